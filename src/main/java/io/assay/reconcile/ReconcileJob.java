package io.assay.reconcile;

import static io.assay.io.ExposureLogs.ARM;
import static io.assay.io.ExposureLogs.ATTRIBUTES;
import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.EVENT_ID;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.FILE;
import static io.assay.io.ExposureLogs.RAW;
import static io.assay.io.ExposureLogs.SOURCE;
import static io.assay.io.ExposureLogs.UNIT_ID;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Source;
import io.assay.io.Category;
import io.assay.io.Concurrently;
import io.assay.io.ExposureLogs;
import io.assay.io.InputProblem;
import io.assay.io.Inputs;
import io.assay.io.OutputTable;
import io.assay.io.OutputTables;
import io.assay.io.Outputs;
import io.assay.io.Pseudonyms;
import io.assay.io.RunContext;
import io.assay.io.Storage;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciliation stage for a range of log partitions.
 *
 * <p>Reads: the log partitions of the range once, plus {@code reconcile.late_lookback_days} earlier
 * partitions for deduplication only; {@code enrollment_days} to fold enrollments. Writes (each
 * replacing exactly the range's dates, one Delta commit per table): {@code quarantine}, {@code
 * ingest_summary}, {@code reconciliation_summary}, {@code reconciliation_mismatches}, {@code
 * enrollment_days}, {@code alerts} (stage {@code reconcile}); and {@code enrollments} (rebuilt from
 * all days). Cost: the classified logs are cached once and every output derives from the cache;
 * shuffles for deduplication, the per-unit state and the summaries. The driver receives only
 * per-date and per-category counts.
 *
 * <p>Before anything is written the job checks, per date, that input rows = accepted + duplicates +
 * quarantined, counting each term on the frame that produces it; if not, it fails. The same count
 * finds JSON log files that are not text (a gzip stream under a {@code .json} name, a Parquet file
 * among JSON lines): the job fails naming them ({@link InputProblem}) rather than quarantining
 * their bytes as lines.
 */
public final class ReconcileJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileJob.class);
  static final String STAGE = "reconcile";
  private static final String UNIT_ID_IN_TEXT = "\"unit_id\"\\s*:\\s*\"([^\"]*)\"";

  /**
   * The {@code unit_id} field and its value: a string (with escapes), an object, array or token.
   */
  private static final String UNIT_ID_FIELD =
      "(\"unit_id\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|\\{[^}]*}?|\\[[^\\]]*]?|[^,}\\s]+)";

  private static final int RAW_MAX_CHARS = 4000;

  /** Per-date row accounting. */
  public record DateCounts(
      LocalDate date, long input, long accepted, long duplicates, long quarantined) {
    public boolean balanced() {
      return input == accepted + duplicates + quarantined;
    }
  }

  /** One reconciliation alert. */
  public record Alert(
      LocalDate date, String experiment, String version, double mismatchRate, double threshold) {}

  /** Per experiment version over the range: accepted exposures and matches. */
  public record ExperimentCounts(String experiment, String version, long accepted, long matched) {}

  /** What the job did, for the command's summary and exit code. */
  public record Result(
      List<DateCounts> dates, List<ExperimentCounts> experiments, List<Alert> alerts) {}

  private ReconcileJob() {}

  /**
   * Reconciles log files at {@code logs} in {@code format} ({@code json}, {@code parquet}, {@code
   * delta}).
   */
  public static Result run(
      SparkSession spark,
      RunContext ctx,
      Location logs,
      String format,
      LocalDate from,
      LocalDate to) {
    return run(spark, ctx, ExposureSource.files(logs, format), from, to);
  }

  /**
   * Reconciles {@code [from, to]} of the logs. Log files must have a partition for every date of
   * the range (checked before reading); a catalog table or query must have rows for every date of
   * the range (counted by the same pass that checks the row accounting, before anything is
   * written). Either way a missing date is an {@link InputProblem} and nothing is written.
   */
  public static Result run(
      SparkSession spark, RunContext ctx, ExposureSource logs, LocalDate from, LocalDate to) {
    AssayConfig site = ctx.conf().assay();
    List<LocalDate> scope = dates(from, to);
    // Partition directories are listed only for JSON and Parquet files; Delta logs and catalog
    // sources are read with a filter on the date, and an absent date reads nothing.
    Location dirs =
        logs.source() instanceof Source.Files f && !f.format().equals("delta")
            ? f.location()
            : null;
    List<LocalDate> missing =
        dirs == null ? List.of() : ExposureLogs.missing(Storage.of(spark), dirs, scope);
    if (!missing.isEmpty()) {
      throw new InputProblem(
          ExposureLogs.partition(dirs, missing.get(0)).toString(),
          "log partition not found ("
              + missing.size()
              + " of "
              + scope.size()
              + " requested dates missing); if the logs are late, rerun when they have landed");
    }
    List<LocalDate> lookback = new ArrayList<>();
    for (LocalDate d :
        dates(from.minusDays(site.reconcile().lateLookbackDays()), from.minusDays(1))) {
      if (dirs == null || ExposureLogs.missing(Storage.of(spark), dirs, List.of(d)).isEmpty()) {
        lookback.add(d);
      }
    }
    List<LocalDate> read = new ArrayList<>(lookback);
    read.addAll(scope);

    LOG.info(
        "reconcile {}..{}: reading {} log partition(s) from {}",
        from,
        to,
        read.size(),
        logs.source().describe());
    // One cached frame for every later pass (Classified): every row with its disposition, and
    // the recomputed decision (used for accepted rows only; a duplicate or quarantined row's is
    // ignored).
    try (Classified classified = Classified.of(spark, ctx, logs, scope, lookback)) {
      return write(spark, ctx, logs, classified.rows(), classified.accepted(), scope, from, to);
    }
  }

  /** Whether the logs' mapping gives no version, so each row's is found from its time. */
  static boolean infersVersion(ExposureSource logs) {
    return !logs.columns().isIdentity() && !logs.columns().maps(ExposureLogs.VERSION);
  }

  private static Result write(
      SparkSession spark,
      RunContext ctx,
      ExposureSource logs,
      Dataset<Row> classified,
      Dataset<Row> recomputed,
      List<LocalDate> scope,
      LocalDate from,
      LocalDate to) {
    Dataset<Row> quarantine = quarantine(classified, ctx);
    List<DateCounts> dateCounts = conserve(classified, recomputed, quarantine, scope);
    if (logs.source().isCatalog()) {
      requireLanded(logs, dateCounts);
    }
    // Small (a row per date, experiment and category) and read twice: counted once.
    Dataset<Row> summary = summary(recomputed).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // One small collect (a row per date and experiment version) gives both the alerts and the
      // counts per experiment version.
      List<Row> perDate = perDate(summary);
      List<ExperimentCounts> experiments = experimentCounts(perDate);
      List<Alert> alerts = alerts(perDate, ctx.conf().assay().alerts().mismatchRate());
      writeOutputs(spark, ctx, quarantine, recomputed, summary, dateCounts, alerts, from, to);
      return new Result(dateCounts, experiments, alerts);
    } finally {
      summary.unpersist();
    }
  }

  /**
   * Conservation: every input row is accepted, a duplicate or quarantined — counted on the frames
   * that carry each of them — before anything is written. Throws {@link ConservationFailure} for
   * the first date that does not balance. The same aggregation counts the lines of binary files
   * ({@link ExposureLogs#BINARY}) per file, and throws an {@link InputProblem} naming them first.
   */
  private static List<DateCounts> conserve(
      Dataset<Row> classified,
      Dataset<Row> recomputed,
      Dataset<Row> quarantine,
      List<LocalDate> scope) {
    Map<LocalDate, long[]> counts = new TreeMap<>();
    scope.forEach(d -> counts.put(d, new long[4]));
    Column noFile = lit(null).cast(DataTypes.StringType);
    Dataset<Row> terms =
        classified
            .select(col(DATE), lit(0).as("term"), noFile.as(FILE), noFile.as(ExposureLogs.BINARY))
            .unionByName(
                recomputed.select(
                    col(DATE), lit(1).as("term"), noFile.as(FILE), noFile.as(ExposureLogs.BINARY)))
            .unionByName(
                classified
                    .filter(col(Ingest.DISPOSITION).equalTo(Ingest.DUPLICATE))
                    .select(
                        col(DATE),
                        lit(2).as("term"),
                        noFile.as(FILE),
                        noFile.as(ExposureLogs.BINARY)))
            .unionByName(
                quarantine.select(
                    col(DATE), lit(3).as("term"), noFile.as(FILE), noFile.as(ExposureLogs.BINARY)))
            .unionByName(
                classified
                    .filter(col(ExposureLogs.BINARY).isNotNull())
                    .select(col(DATE), lit(4).as("term"), col(FILE), col(ExposureLogs.BINARY)));
    Map<String, String> binaryFiles = new TreeMap<>();
    for (Row r : terms.groupBy(DATE, "term", FILE, ExposureLogs.BINARY).count().collectAsList()) {
      if (r.getInt(1) == 4) {
        binaryFiles.put(r.getString(2), r.getString(3));
      } else {
        counts.get(r.getDate(0).toLocalDate())[r.getInt(1)] = r.getLong(4);
      }
    }
    if (!binaryFiles.isEmpty()) {
      throw binaryFiles(binaryFiles);
    }
    List<DateCounts> dateCounts = new ArrayList<>();
    counts.forEach((d, c) -> dateCounts.add(new DateCounts(d, c[0], c[1], c[2], c[3])));
    for (DateCounts c : dateCounts) {
      if (!c.balanced()) {
        throw new ConservationFailure(c);
      }
    }
    return dateCounts;
  }

  /**
   * A date of the range for which a catalog source holds no rows is what a missing partition is for
   * files: the logs have not landed, and the run stops before it writes anything.
   */
  private static void requireLanded(ExposureSource logs, List<DateCounts> dateCounts) {
    List<LocalDate> missing =
        dateCounts.stream().filter(c -> c.input() == 0).map(DateCounts::date).toList();
    if (!missing.isEmpty()) {
      throw new InputProblem(
          logs.source().describe(),
          "log partition not found: no rows with "
              + logs.dateColumn()
              + " = "
              + missing.get(0)
              + " ("
              + missing.size()
              + " of "
              + dateCounts.size()
              + " requested dates missing); if the logs are late, rerun when they have landed."
              + " Nothing was written");
    }
  }

  /** The failure for log files that are not text: each named with what its bytes say it is. */
  private static InputProblem binaryFiles(Map<String, String> files) {
    List<String> named = new ArrayList<>();
    files.forEach((file, kind) -> named.add(file + " (" + kind + ")"));
    int shown = Math.min(named.size(), 5);
    return new InputProblem(
        files.keySet().iterator().next(),
        (files.size() == 1
                ? "a JSON log file is not JSON text, so its records"
                : files.size() + " JSON log files are not JSON text, so their records")
            + " cannot be read as lines: "
            + String.join(", ", named.subList(0, shown))
            + (named.size() > shown ? " and " + (named.size() - shown) + " more" : "")
            + ". Fix: decompress them, or give a gzip or bzip2 file the extension .gz or .bz2"
            + " (Spark decompresses those by name); Parquet logs are read with --format parquet."
            + " Nothing was written");
  }

  /**
   * Accepted and matched exposures per date and experiment version, from the small summary, in that
   * order: {@code date, experiment, version, accepted, matched}.
   */
  static List<Row> perDate(Dataset<Row> summary) {
    return summary
        .groupBy(DATE, EXPERIMENT, VERSION)
        .agg(
            sum("exposures").as("accepted"),
            sum(when(col("category").equalTo(Category.MATCH.code()), col("exposures")).otherwise(0))
                .as("matched"))
        .orderBy(DATE, EXPERIMENT, VERSION)
        .collectAsList();
  }

  /** Accepted and matched exposures per experiment version, summed over the dates. */
  private static List<ExperimentCounts> experimentCounts(List<Row> perDate) {
    Map<List<String>, long[]> sums =
        new TreeMap<>(
            java.util.Comparator.<List<String>, String>comparing(k -> k.get(0))
                .thenComparing(k -> k.get(1)));
    for (Row r : perDate) {
      long[] s = sums.computeIfAbsent(List.of(r.getString(1), r.getString(2)), k -> new long[2]);
      s[0] += r.getLong(3);
      s[1] += r.getLong(4);
    }
    List<ExperimentCounts> experiments = new ArrayList<>();
    sums.forEach((k, s) -> experiments.add(new ExperimentCounts(k.get(0), k.get(1), s[0], s[1])));
    return experiments;
  }

  private static void writeOutputs(
      SparkSession spark,
      RunContext ctx,
      Dataset<Row> quarantine,
      Dataset<Row> recomputed,
      Dataset<Row> summary,
      List<DateCounts> dateCounts,
      List<Alert> alerts,
      LocalDate from,
      LocalDate to) {
    AssayConfig site = ctx.conf().assay();
    List<ExperimentDefinition> defs = ctx.conf().experiments();
    LOG.info(
        "reconcile {}..{}: writing quarantine, mismatches, traffic, summaries and enrollments",
        from,
        to);
    // Independent tables are written side by side; enrollments depend on enrollment_days, and
    // the summary's multiple-arm rows on enrollments, so those three go in order.
    BiFunction<OutputTable, Supplier<Dataset<Row>>, Runnable> dated =
        (table, rows) -> () -> Outputs.replaceDates(ctx, table, rows.get(), from, to, null);
    Concurrently.run(
        List.of(
            () -> enrollments(spark, ctx, recomputed, summary, from, to),
            dated.apply(OutputTables.QUARANTINE, () -> quarantine),
            dated.apply(
                OutputTables.RECONCILIATION_MISMATCHES,
                () -> mismatches(recomputed, ctx, site.reconcile().mismatchSampleSize())),
            dated.apply(
                OutputTables.TRAFFIC_DAILY, () -> TrafficDaily.compute(recomputed, defs, site)),
            dated.apply(OutputTables.INGEST_SUMMARY, () -> ingestSummary(spark, dateCounts)),
            () ->
                Outputs.replaceDates(
                    ctx,
                    OutputTables.ALERTS,
                    alertRows(spark, alerts),
                    from,
                    to,
                    "stage = '" + STAGE + "'")));
  }

  /**
   * Writes {@code enrollment_days} for the run's dates, folds {@code enrollments} from them, then
   * writes the reconciliation summary with its multiple-arm rows (read from the new enrollments).
   */
  private static void enrollments(
      SparkSession spark,
      RunContext ctx,
      Dataset<Row> recomputed,
      Dataset<Row> summary,
      LocalDate from,
      LocalDate to) {
    List<ExperimentDefinition> defs = ctx.conf().experiments();
    Outputs.replaceDates(
        ctx,
        OutputTables.ENROLLMENT_DAYS,
        Enrollments.days(recomputed, ctx.pseudonymKey()),
        from,
        to,
        null);
    Dataset<Row> allDays = Inputs.upstream(spark, ctx, OutputTables.ENROLLMENT_DAYS);
    String policy = ctx.conf().assay().reconcile().multiArmPolicy();
    List<String> unitKey = List.of(EXPERIMENT, VERSION, "unit_key");
    if (onlyDates(spark, ctx.table(OutputTables.ENROLLMENT_DAYS), from, to)) {
      // Every stored day is this run's (a first run, or a rerun of all dates): the fold of all
      // days is the whole table, so it replaces it without finding the units seen first.
      LOG.info("reconcile {}..{}: folding enrollments of all units", from, to);
      Outputs.rebuild(ctx, OutputTables.ENROLLMENTS, Enrollments.fromDays(allDays, defs, policy));
    } else {
      LOG.info("reconcile {}..{}: folding enrollments of the units seen", from, to);
      // Only units with exposures in this run can change: refold them from all their days and
      // merge. They are the units of the run's days, already aggregated and pseudonymized.
      Dataset<Row> changed =
          allDays
              .filter(col(DATE).between(Date.valueOf(from), Date.valueOf(to)))
              .select(col(EXPERIMENT), col(VERSION), col("unit_key"))
              .distinct();
      Dataset<Row> days = allDays.join(changed, unitKey.toArray(String[]::new), "left_semi");
      Outputs.merge(
          ctx, OutputTables.ENROLLMENTS, Enrollments.fromDays(days, defs, policy), unitKey);
    }
    Dataset<Row> multi = multipleArms(spark, ctx, recomputed);
    Outputs.replaceDates(
        ctx, OutputTables.RECONCILIATION_SUMMARY, summary.unionByName(multi), from, to, null);
  }

  /**
   * Whether the date-partitioned table at {@code table} can hold rows of {@code [from, to]} only:
   * every {@code date=} directory under it is a date of the range. One listing, no Spark job. The
   * answer only chooses the cheaper of two equivalent ways to fold enrollments (a rebuild from all
   * days, or a merge of the units seen): a directory Delta no longer references (a replaced date
   * before {@code VACUUM}) or an unreadable listing only sends the run the general way.
   */
  private static boolean onlyDates(
      SparkSession spark, Location table, LocalDate from, LocalDate to) {
    List<Storage.Entry> entries;
    try {
      entries = Storage.of(spark).list(table);
    } catch (RuntimeException e) {
      return false;
    }
    for (Storage.Entry e : entries) {
      if (!e.isDirectory() || !e.name().startsWith(DATE + "=")) {
        continue;
      }
      LocalDate d;
      try {
        d = LocalDate.parse(e.name().substring(DATE.length() + 1));
      } catch (java.time.format.DateTimeParseException bad) {
        return false;
      }
      if (d.isBefore(from) || d.isAfter(to)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Quarantined rows with their raw text, unit ids in it replaced by their pseudonym. With a key,
   * the value of the {@code unit_id} field (string, number, object or array) and every quoted copy
   * of the parsed id are replaced; a record that is not a JSON object ({@code unparseable}) keeps
   * only its shape: every letter becomes {@code a} and every digit {@code 0}, since an id in it
   * cannot be located.
   */
  static Dataset<Row> quarantine(Dataset<Row> classified, RunContext ctx) {
    Column id =
        coalesce(
            nullif(col(UNIT_ID), lit("")),
            nullif(regexp_extract(col(RAW), UNIT_ID_IN_TEXT, 1), lit("")));
    Column redacted = col(RAW);
    if (ctx.pseudonymKey().isPresent()) {
      Column key = Pseudonyms.unitKey(id, ctx.pseudonymKey());
      Column quoted =
          when(
                  id.isNotNull(),
                  replace(
                      col(RAW),
                      concat(lit("\""), id, lit("\"")),
                      concat(lit("\""), key, lit("\""))))
              .otherwise(col(RAW));
      Column field =
          regexp_replace(
              quoted,
              lit(UNIT_ID_FIELD),
              concat(lit("$1\""), coalesce(key, lit("redacted")), lit("\"")));
      Column shape = regexp_replace(regexp_replace(col(RAW), "\\p{L}", "a"), "\\p{N}", "0");
      redacted =
          when(col(Ingest.REASON).equalTo(QuarantineReason.UNPARSEABLE.code()), shape)
              .otherwise(field);
    }
    return classified
        .filter(col(Ingest.DISPOSITION).equalTo(Ingest.QUARANTINED))
        .select(
            col(DATE),
            col(Ingest.REASON).as("reason"),
            col(Ingest.DETAIL).as("detail"),
            col(EVENT_ID).as("event_id"),
            col(EXPERIMENT).as("experiment"),
            col(VERSION).as("version"),
            substring(redacted, 1, RAW_MAX_CHARS).as("raw"),
            col(FILE).as("file"));
  }

  /** Per date, experiment, version and category: exposures, distinct units and the share. */
  static Dataset<Row> summary(Dataset<Row> recomputed) {
    Dataset<Row> byCategory =
        recomputed
            .groupBy(
                col(DATE), col(EXPERIMENT), col(VERSION), col(Recompute.CATEGORY).as("category"))
            .agg(count(lit(1)).as("exposures"), count_distinct(col(UNIT_ID)).as("units"));
    Column total =
        sum(col("exposures")).over(Window.partitionBy(col(DATE), col(EXPERIMENT), col(VERSION)));
    return byCategory.withColumn("rate", col("exposures").divide(total));
  }

  /**
   * Units first seen in a second arm on each date of the range, as summary rows of category {@code
   * multiple_arms} (rate = share of the units exposed that date).
   */
  static Dataset<Row> multipleArms(SparkSession spark, RunContext ctx, Dataset<Row> recomputed) {
    Dataset<Row> enrollments = Inputs.upstream(spark, ctx, OutputTables.ENROLLMENTS);
    Dataset<Row> newly =
        enrollments
            .filter(col("multiple_arms"))
            .groupBy(to_date(col("multiple_arms_since")).as(DATE), col(EXPERIMENT), col(VERSION))
            .agg(count(lit(1)).as("units"));
    Dataset<Row> exposedUnits =
        recomputed
            .groupBy(col(DATE), col(EXPERIMENT), col(VERSION))
            .agg(count_distinct(col(UNIT_ID)).as("exposed_units"));
    return newly
        .join(exposedUnits, new String[] {DATE, EXPERIMENT, VERSION}, "inner")
        .select(
            col(DATE),
            col(EXPERIMENT),
            col(VERSION),
            lit(Category.MULTIPLE_ARMS.code()).as("category"),
            lit(null).cast(DataTypes.LongType).as("exposures"),
            col("units"),
            col("units").divide(col("exposed_units")).as("rate"));
  }

  /** A capped, deterministic sample of mismatched exposures per date, experiment and category. */
  static Dataset<Row> mismatches(Dataset<Row> recomputed, RunContext ctx, int perCategory) {
    Column rank =
        row_number()
            .over(
                Window.partitionBy(
                        col(DATE), col(EXPERIMENT), col(VERSION), col(Recompute.CATEGORY))
                    .orderBy(xxhash64(col(EVENT_ID)), col(EVENT_ID)));
    return recomputed
        .filter(col(Recompute.CATEGORY).notEqual(Category.MATCH.code()))
        .withColumn("sample_rank", rank)
        .filter(col("sample_rank").leq(perCategory))
        .select(
            col(DATE),
            col(EXPERIMENT),
            col(VERSION),
            col(Recompute.CATEGORY).as("category"),
            col(EVENT_ID),
            col(Ingest.EVENT_TS).as("ts"),
            Pseudonyms.unitKey(col(UNIT_ID), ctx.pseudonymKey()).as("unit_key"),
            col(ARM).as("logged_arm"),
            col(Recompute.RECOMPUTED_ARM).as("recomputed_arm"),
            col(Recompute.DECISION + ".status").as("recomputed_status"),
            col(Recompute.DECISION + ".position").as("position"),
            col(Recompute.DECISION + ".traffic").as("traffic"),
            col(ATTRIBUTES),
            col(SOURCE));
  }

  static List<Alert> alerts(List<Row> perDate, double threshold) {
    List<Alert> out = new ArrayList<>();
    for (Row r : perDate) {
      long accepted = r.getLong(3);
      double rate = accepted == 0 ? 0 : 1.0 - (double) r.getLong(4) / accepted;
      if (rate > threshold) {
        out.add(
            new Alert(r.getDate(0).toLocalDate(), r.getString(1), r.getString(2), rate, threshold));
      }
    }
    return out;
  }

  private static Dataset<Row> alertRows(SparkSession spark, List<Alert> alerts) {
    List<Row> rows = new ArrayList<>();
    for (Alert a : alerts) {
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              java.sql.Date.valueOf(a.date()),
              STAGE,
              a.experiment(),
              a.version(),
              "reconciliation_mismatch_rate",
              "error",
              a.mismatchRate(),
              a.threshold(),
              String.format(
                  "%.2f%% of accepted exposures of %s@%s on %s do not match the definition"
                      + " (threshold %.2f%%); see reconciliation_mismatches",
                  100 * a.mismatchRate(),
                  a.experiment(),
                  a.version(),
                  a.date(),
                  100 * a.threshold())));
    }
    return spark.createDataFrame(rows, OutputTables.ALERTS.columns());
  }

  static Dataset<Row> ingestSummary(SparkSession spark, List<DateCounts> counts) {
    List<Row> rows = new ArrayList<>();
    for (DateCounts c : counts) {
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              java.sql.Date.valueOf(c.date()),
              c.input(),
              c.accepted(),
              c.duplicates(),
              c.quarantined()));
    }
    return spark.createDataFrame(
        rows,
        org.apache.spark.sql.types.StructType.fromDDL(
            "date DATE, input_rows BIGINT, accepted_rows BIGINT, duplicate_rows BIGINT,"
                + " quarantined_rows BIGINT"));
  }

  static List<LocalDate> dates(LocalDate from, LocalDate to) {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  /** Rows were lost or invented between reading and writing: a bug, never a data problem. */
  public static final class ConservationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConservationFailure(DateCounts c) {
      super(
          "row conservation failed for "
              + c.date()
              + ": input "
              + c.input()
              + " ≠ accepted "
              + c.accepted()
              + " + duplicates "
              + c.duplicates()
              + " + quarantined "
              + c.quarantined()
              + "; nothing was written");
    }
  }
}
