package io.assay.io;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Every output table a stage writes goes through here: rows are stamped with the run id and schema
 * version, written idempotently ({@link DeltaTables}), the Delta version written is recorded in the
 * run log, and the table is registered by name when {@code output.database} is set ({@link
 * OutputCatalog}).
 */
public final class Outputs {
  private Outputs() {}

  /** Replaces the table's rows of {@code [from, to]} (optionally narrowed by a predicate). */
  public static void replaceDates(
      RunContext ctx,
      OutputTable table,
      Dataset<Row> rows,
      LocalDate from,
      LocalDate to,
      String extraPredicate) {
    DeltaTables.replaceDates(
        stamp(ctx, table, rows), ctx.table(table.name()), from, to, extraPredicate);
    record(rows.sparkSession(), ctx, table.name());
  }

  /** Replaces the whole table. */
  public static void overwrite(RunContext ctx, OutputTable table, Dataset<Row> rows) {
    DeltaTables.overwrite(stamp(ctx, table, rows), ctx.table(table.name()), table.partitionBy());
    record(rows.sparkSession(), ctx, table.name());
  }

  /**
   * Upserts rows by key: rows whose key exists replace the stored row, new keys are inserted, other
   * rows are untouched (one Delta MERGE commit; the table is created on first use, with deletion
   * vectors, so a merge that touches a few rows of every file writes those rows, not every file).
   */
  public static void merge(
      RunContext ctx, OutputTable table, Dataset<Row> rows, List<String> keys) {
    OutputLock.assertHeld();
    Dataset<Row> stamped = stamp(ctx, table, rows);
    String path = ctx.table(table.name()).uri();
    if (!Tables.isDelta(rows.sparkSession(), path)) {
      create(ctx, table, stamped);
    } else {
      String on =
          String.join(" AND ", keys.stream().map(k -> "t.`" + k + "` = s.`" + k + "`").toList());
      io.delta.tables.DeltaTable.forPath(rows.sparkSession(), path)
          .as("t")
          .merge(stamped.as("s"), on)
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .execute();
    }
    record(rows.sparkSession(), ctx, table.name());
  }

  /**
   * Replaces the whole table of a table otherwise kept by {@link #merge}: for a full rebuild, when
   * {@code rows} hold every key the table should have.
   */
  public static void rebuild(RunContext ctx, OutputTable table, Dataset<Row> rows) {
    Dataset<Row> stamped = stamp(ctx, table, rows);
    if (!Tables.isDelta(rows.sparkSession(), ctx.table(table.name()).uri())) {
      create(ctx, table, stamped);
    } else {
      DeltaTables.overwrite(stamped, ctx.table(table.name()), table.partitionBy());
    }
    record(rows.sparkSession(), ctx, table.name());
  }

  /** Creates a merge-kept table, with deletion vectors. */
  private static void create(RunContext ctx, OutputTable table, Dataset<Row> stamped) {
    DeltaTables.overwrite(stamped, ctx.table(table.name()), table.partitionBy());
    DeltaTables.enableDeletionVectors(stamped.sparkSession(), ctx.table(table.name()));
  }

  /** The rows as the table declares them ({@link OutputTable#conform}), stamped with the run. */
  private static Dataset<Row> stamp(RunContext ctx, OutputTable table, Dataset<Row> rows) {
    return OutputTables.stamp(table.conform(rows), ctx.runId());
  }

  /** Records the write in the run log, and registers the table by name ({@link OutputCatalog}). */
  private static void record(SparkSession spark, RunContext ctx, String table) {
    String path = ctx.table(table).uri();
    ctx.log().output(RunLog.Output.table(table, path, Inputs.latestVersion(spark, path)));
    OutputCatalog.register(spark, ctx, table);
  }
}
