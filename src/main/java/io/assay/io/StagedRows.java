package io.assay.io;

import io.assay.config.Location;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of an output table made on the driver, more of them than the driver should hold at once (say
 * a result row per experiment × metric × arm × segment at hundreds of experiments): they are added
 * as they are made and written in batches of {@code batch} rows as Parquet files under the output
 * root's {@code _staging/} directory, which {@link #rows} then reads as one Dataset, so the table
 * is still written in one Delta commit. {@link #close} deletes the staged files. Fewer rows than a
 * batch are never staged.
 */
public final class StagedRows implements AutoCloseable {
  private final SparkSession spark;
  private final StructType schema;
  private final Location dir;
  private final int batch;
  private final List<Row> pending = new ArrayList<>();
  private boolean staged;
  private long count;

  public StagedRows(SparkSession spark, RunContext ctx, OutputTable table, int batch) {
    this.spark = spark;
    this.schema = table.columns();
    this.dir = ctx.table("_staging").resolve(ctx.runId() + "-" + table.name());
    this.batch = batch;
  }

  public void addAll(List<Row> rows) {
    pending.addAll(rows);
    count += rows.size();
    if (pending.size() >= batch) {
      flush();
    }
  }

  public void add(Row row) {
    addAll(List.of(row));
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    spark.createDataFrame(pending, schema).write().mode(SaveMode.Append).parquet(dir.uri());
    pending.clear();
    staged = true;
  }

  /** Every row added, as a Dataset (read from the staged files when there are any). */
  public Dataset<Row> rows() {
    if (!staged) {
      return spark.createDataFrame(new ArrayList<>(pending), schema);
    }
    flush();
    return spark.read().schema(schema).parquet(dir.uri());
  }

  /** How many rows were added. */
  public long count() {
    return count;
  }

  /** Whether some rows went to staged files. */
  public boolean staged() {
    return staged;
  }

  @Override
  public void close() {
    if (staged) {
      Storage.of(spark).delete(dir);
    }
  }
}
