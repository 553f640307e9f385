package io.assay.metrics;

import io.assay.config.Conf;
import io.assay.config.Measure;
import io.assay.config.MetricDefinition;
import io.assay.config.Problems;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;

/**
 * Checks the syntax of every Spark SQL expression in the metric catalog with Spark's own parser,
 * which needs no SparkSession: a typo in a filter stops the run before any data is read. Column
 * names are checked later, against the source's schema, when the source is opened.
 */
public final class MetricSqlCheck {
  private MetricSqlCheck() {}

  public static void check(Conf conf, Problems problems) {
    String file = conf.dir().resolve("metrics.yaml").toString();
    for (MetricDefinition m : conf.catalog().all()) {
      boolean ratio = m.denominator().isPresent();
      check(file, "metrics." + m.name() + (ratio ? ".numerator" : ""), m.numerator(), problems);
      m.denominator()
          .ifPresent(d -> check(file, "metrics." + m.name() + ".denominator", d, problems));
    }
  }

  private static void check(String file, String path, Measure measure, Problems problems) {
    parse(file, path + ".value", measure.value(), problems);
    measure.filter().ifPresent(f -> parse(file, path + ".filter", f, problems));
  }

  private static void parse(String file, String path, String sql, Problems problems) {
    try {
      CatalystSqlParser$.MODULE$.parseExpression(sql);
    } catch (Exception e) { // Spark's ParseException is a checked exception in Java's eyes
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().strip();
      int nl = msg.indexOf('\n');
      problems.error(
          file,
          path,
          "'"
              + sql
              + "' is not a valid Spark SQL expression: "
              + (nl > 0 ? msg.substring(0, nl) : msg),
          "write a Spark SQL expression over the source's columns");
    }
  }
}
