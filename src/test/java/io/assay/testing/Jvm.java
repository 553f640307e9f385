package io.assay.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for child JVMs on the test classpath: this JVM's {@code java}, Spark's {@code
 * --add-opens} flags as the test JVM got them (from the pom's {@code spark.jvm.opens}), the test
 * classpath, a main class and its arguments. Used by the child-JVM tests ({@code robust/ChildJvm})
 * and by the catalog tests ({@link Metastore}), which need a JVM of their own.
 */
public final class Jvm {
  private Jvm() {}

  /** The {@code java} launcher of the running JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The test JVM's own options that Spark needs on Java 17 ({@code --add-opens} and friends). */
  public static List<String> sparkFlags() {
    List<String> flags = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        flags.add(a);
      }
    }
    return flags;
  }

  /** The test classpath (surefire's, when the JVM was started through a manifest-only jar). */
  public static String testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** {@code java <spark flags> <options> -cp <test classpath> <mainClass> <args>}. */
  public static List<String> command(List<String> options, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(sparkFlags());
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(testClasspath());
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
