package io.assay.pipeline;

import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command's body and appends its {@code runs} row — succeeded or failed — when it ends, so
 * every run that got as far as Spark leaves its metadata behind, including failed ones.
 */
public final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  private Runs() {}

  public static <T> T record(SparkSession spark, RunContext ctx, Supplier<T> body) {
    try {
      T result = body.get();
      write(spark, ctx, "succeeded", null);
      return result;
    } catch (RuntimeException e) {
      try {
        write(spark, ctx, "failed", String.valueOf(e.getMessage()));
      } catch (RuntimeException writeFailure) {
        e.addSuppressed(writeFailure);
      }
      throw e;
    }
  }

  private static void write(SparkSession spark, RunContext ctx, String status, String error) {
    var row =
        ctx.log()
            .toRow(
                ctx.runId(),
                ctx.conf().dir().toAbsolutePath().toString(),
                status,
                error,
                Instant.now(),
                spark.version());
    spark
        .createDataFrame(List.of(row), RunLog.SCHEMA)
        .withColumn(
            "schema_version", org.apache.spark.sql.functions.lit(OutputTables.SCHEMA_VERSION))
        .write()
        .format("delta")
        .mode("append")
        .save(ctx.table(OutputTables.RUNS).toString());
    LOG.info("run {} {}: recorded in {}", ctx.runId(), status, ctx.table(OutputTables.RUNS));
  }
}
