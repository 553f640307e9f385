package io.assay.reconcile;

import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.FILE;
import static io.assay.io.ExposureLogs.RAW;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.assay.config.ExperimentDefinition;
import io.assay.config.ExposureSource;
import io.assay.io.ExposureLogs;
import io.assay.io.RunContext;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log rows of a range with their dispositions and recomputed decisions ({@link #rows}), read
 * once: every row is checked on its own and recomputed ({@link Ingest#check}, {@link Recompute}),
 * and those rows are cached; the dispositions derive from the cache through a persisted set of
 * repeated event-id hashes ({@link Ingest#repeatedHashes}, {@link Ingest#dispose}), so duplicate
 * detection shuffles 64-bit hashes and the few copies, never every row. Only rows that may be
 * quarantined keep their raw text and file. Close it to release the cache.
 */
public final class Classified implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Classified.class);

  /**
   * Up to this many repeated event-id hashes (8 bytes each) are sent to every task; more (a log
   * that is mostly copies) are joined by a shuffle.
   */
  static final long BROADCAST_HASHES = 4_000_000L;

  private final Dataset<Row> checked;
  private final Dataset<Row> earlierIds;
  private final Dataset<Row> repeated;
  private final Dataset<Row> rows;
  private final long repeatedHashes;

  private Classified(
      Dataset<Row> checked,
      Dataset<Row> earlierIds,
      Dataset<Row> repeated,
      Dataset<Row> rows,
      long repeatedHashes) {
    this.checked = checked;
    this.earlierIds = earlierIds;
    this.repeated = repeated;
    this.rows = rows;
    this.repeatedHashes = repeatedHashes;
  }

  /**
   * Classifies the rows of {@code scope}; the {@code lookback} dates (all before it) are read for
   * their valid event ids only. Runs one job (the repeated hashes, which also fills the cache).
   */
  public static Classified of(
      SparkSession spark,
      RunContext ctx,
      ExposureSource logs,
      List<LocalDate> scope,
      List<LocalDate> lookback) {
    List<ExperimentDefinition> defs = ctx.conf().experiments();
    List<LocalDate> read = new ArrayList<>(lookback);
    read.addAll(scope);
    Dataset<Row> all =
        Ingest.check(
            ExposureLogs.read(spark, ctx, logs, read), defs, ReconcileJob.infersVersion(logs));
    Dataset<Row> checked =
        Recompute.classify(
                all.filter(col(DATE).isin(dates(scope)))
                    .withColumn(RAW, when(Ingest.hasProblem(), col(RAW)))
                    .withColumn(FILE, when(Ingest.hasProblem(), col(FILE))),
                defs,
                ctx.conf().assay())
            // Read by no later pass: the timestamp's text (EVENT_TS is parsed), the flags, and the
            // corrupt mark (a structural problem now).
            .drop(ExposureLogs.TS, ExposureLogs.FLAGS, ExposureLogs.CORRUPT)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> earlierIds =
        lookback.isEmpty()
            ? null
            : Ingest.earlierIds(all.filter(col(DATE).isin(dates(lookback))))
                .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> repeated =
        Ingest.repeatedHashes(checked, earlierIds).persist(StorageLevel.MEMORY_AND_DISK());
    long n;
    try {
      n = repeated.count();
    } catch (RuntimeException e) {
      release(checked, earlierIds, repeated);
      throw e;
    }
    long memory = 0;
    long disk = 0;
    for (org.apache.spark.storage.RDDInfo r : spark.sparkContext().getRDDStorageInfo()) {
      memory += r.memSize();
      disk += r.diskSize();
    }
    // Spark reports storage per RDD, not per cached query: this is the session's whole cache,
    // which during reconcile is these rows and the small frames beside them.
    LOG.info(
        "classified: {} repeated event id hash(es), their rows ordered by event id; Spark's cache"
            + " now holds {} MiB in memory, {} MiB on disk",
        n,
        memory >> 20,
        disk >> 20);
    return new Classified(
        checked,
        earlierIds,
        repeated,
        Ingest.dispose(checked, repeated, earlierIds, n <= BROADCAST_HASHES),
        n);
  }

  /**
   * Every row of the scope with {@link Ingest#DISPOSITION}, {@link Ingest#REASON}, {@link
   * Ingest#DETAIL}, {@link Ingest#EVENT_TS} and {@link Recompute}'s columns.
   */
  public Dataset<Row> rows() {
    return rows;
  }

  /** The accepted rows, without the raw text and file. */
  public Dataset<Row> accepted() {
    return rows.filter(col(Ingest.DISPOSITION).equalTo(Ingest.ACCEPTED))
        .drop(RAW, FILE, ExposureLogs.BINARY);
  }

  /** How many event-id hashes occur more than once (an upper bound on the repeated ids). */
  public long repeatedHashes() {
    return repeatedHashes;
  }

  @Override
  public void close() {
    release(checked, earlierIds, repeated);
  }

  @SafeVarargs
  private static void release(Dataset<Row>... frames) {
    for (Dataset<Row> f : frames) {
      if (f != null) {
        f.unpersist();
      }
    }
  }

  private static Object[] dates(List<LocalDate> dates) {
    return dates.stream().map(Date::valueOf).toArray();
  }
}
