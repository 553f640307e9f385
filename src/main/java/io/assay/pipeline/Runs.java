package io.assay.pipeline;

import io.assay.io.Inputs;
import io.assay.io.OutputCatalog;
import io.assay.io.OutputLock;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command's body and appends its {@code runs} row when it ends, so every run leaves its
 * metadata behind: {@code succeeded}, or {@code failed} with the reason — an exception, or a result
 * that reports failures (a stage or an experiment that failed while the others went on). Before the
 * body runs it records the Delta version of every table under the output root (the state {@code
 * assay reproduce} restores).
 *
 * <p>A command that stops before its run starts writes no row: bad configuration or usage (exit 2,
 * nothing ran) and an output root held by another run (writing the row would break that run's
 * lock). The command line says why in both cases.
 */
public final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  private Runs() {}

  /**
   * As {@link #record(SparkSession, RunContext, Supplier, Function)} for a body that fails only by
   * throwing.
   */
  public static <T> T record(SparkSession spark, RunContext ctx, Supplier<T> body) {
    return record(spark, ctx, body, r -> null);
  }

  /**
   * Runs {@code body}; {@code failure} turns its result into the reason the run failed, or null
   * when it succeeded.
   */
  public static <T> T record(
      SparkSession spark, RunContext ctx, Supplier<T> body, Function<T, String> failure) {
    T result;
    try {
      ctx.log().startVersions(Inputs.versionsUnder(spark, ctx.outputRoot().uri()));
      result = body.get();
    } catch (RuntimeException | Error e) {
      try {
        write(spark, ctx, "failed", describe(e));
      } catch (RuntimeException writeFailure) {
        e.addSuppressed(writeFailure);
      }
      throw e;
    }
    String reason = failure.apply(result);
    write(spark, ctx, reason == null ? "succeeded" : "failed", reason);
    return result;
  }

  /** The exception's message, or its class when it has none. */
  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : m;
  }

  private static void write(SparkSession spark, RunContext ctx, String status, String error) {
    OutputLock.assertHeld(); // a run that lost its lock must not write, not even its record
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
        // Runs recorded by earlier versions lack the newer columns (start_versions, outputs'
        // fingerprint): they read as null.
        .option("mergeSchema", "true")
        .save(ctx.table(OutputTables.RUNS).uri());
    OutputCatalog.register(spark, ctx, OutputTables.RUNS.name());
    LOG.info("run {} {}: recorded in {}", ctx.runId(), status, ctx.table(OutputTables.RUNS));
  }
}
