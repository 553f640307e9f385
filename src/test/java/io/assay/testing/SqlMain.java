package io.assay.testing;

import io.assay.io.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A child JVM's main for the catalog tests: runs each argument as a Spark SQL statement in a
 * session built by the production factory (settings such as the catalog come from {@code -Dspark.*}
 * options, as under spark-submit) and prints, per statement, a {@code -- statement} line and then
 * each result row with its columns separated by tabs. The first line names the session's catalog
 * ({@code catalog=hive}). Standard error gets how long the session and each statement took. Exits
 * 0, or 1 with the error on standard error.
 */
public final class SqlMain {
  private SqlMain() {}

  public static void main(String[] statements) {
    int code = 0;
    long t0 = System.nanoTime();
    SparkSession spark = SparkSessions.getOrCreate("assay-test-sql", "local[1]", Map.of());
    try {
      System.out.println("catalog=" + spark.conf().get("spark.sql.catalogImplementation"));
      System.err.printf("sql: session in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      for (String statement : statements) {
        long t = System.nanoTime();
        System.out.println("-- " + statement);
        for (Row row : spark.sql(statement).collectAsList()) {
          System.out.println(row.mkString("\t"));
        }
        System.err.printf("sql: %d ms: %s%n", (System.nanoTime() - t) / 1_000_000, statement);
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      code = 1;
    } finally {
      spark.stop();
    }
    System.exit(code);
  }
}
