package io.assay.testing;

import io.assay.io.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local SparkSession per test JVM, shared by every Spark test and injected as a parameter
 * (constructor, lifecycle or test method). Built by the production {@link SparkSessions} factory so
 * tests run with the same settings as the jobs, plus test-sized parallelism: {@code local[2]}, UI
 * off, 4 shuffle partitions, loopback driver. Spark's own log level stays at WARN via {@code
 * src/test/resources/log4j2.properties}.
 */
public final class SparkExtension implements ParameterResolver {
  private static volatile SparkSession session;

  /** The shared session, created on first use and stopped when the JVM exits. */
  public static SparkSession session() {
    if (session == null) {
      synchronized (SparkExtension.class) {
        if (session == null) {
          SparkSession s =
              SparkSessions.getOrCreate(
                  "assay-tests",
                  "local[2]",
                  Map.of(
                      "spark.sql.shuffle.partitions", "4",
                      "spark.default.parallelism", "4",
                      "spark.ui.enabled", "false",
                      "spark.sql.adaptive.enabled", "true"));
          Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "spark-test-session-stop"));
          session = s;
        }
      }
    }
    return session;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return session();
  }
}
