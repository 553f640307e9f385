package io.assay.reconcile;

import static io.assay.io.ExposureLogs.ARM;
import static io.assay.io.ExposureLogs.CORRUPT;
import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.EVENT_ID;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.RAW;
import static io.assay.io.ExposureLogs.TS;
import static io.assay.io.ExposureLogs.UNIT_ID;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.assignment.UnitIds;
import io.assay.config.ExperimentDefinition;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Ingest: gives every raw exposure row exactly one disposition — {@code accepted}, {@code
 * duplicate} or {@code quarantined} (with a {@link QuarantineReason} and a detail) — and a parsed
 * timestamp.
 *
 * <p>Checks, in order: (1) structure — the record is one JSON object with fields of the right type,
 * the required fields are present and hold text (not an object or array), the unit id is valid
 * ({@link UnitIds}: not blank, at most {@value #MAX_UNIT_ID_CHARS} characters, free of control
 * characters and of lone UTF-16 surrogates), the arm is not empty, {@code ts} is an ISO-8601
 * timestamp ({@link #TIMESTAMP_PATTERN}); (2) duplicates — among structurally valid rows, the first
 * copy of an {@code event_id} (earliest partition, then the smallest 64-bit digests of the raw
 * text) is kept and the others are duplicates, counted and never quarantined; (3) references — the
 * experiment, the version and the arm exist in the definitions. Rows of partitions outside {@code
 * scope} take part in deduplication only (the late-arrival lookback) and are dropped afterwards.
 *
 * <p>Cost: the checks are per row ({@link #check}; the reference checks are literal set lookups).
 * Duplicate detection shuffles 64-bit hashes of the event ids, not rows ({@link #repeatedHashes}):
 * only the valid rows whose id hash occurs more than once (a few percent of a real log) are
 * shuffled and ordered by event id ({@link #dispose}); with a lookback, the lookback partitions'
 * distinct valid event ids are shuffled once too. {@link Classified} caches the checked rows, so
 * reconcile reads the logs once.
 */
public final class Ingest {
  public static final String DISPOSITION = "disposition";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";
  public static final String EVENT_TS = "event_ts";

  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String QUARANTINED = "quarantined";

  /**
   * ISO-8601 date-time with seconds, optional fraction and optional zone (UTC when absent); the
   * date and the time are separated by {@code T} or by one space (RFC 3339 §5.6 allows the space,
   * and it is how SQL, {@code java.sql.Timestamp} and Python's {@code str(datetime)} write them).
   * Checked before casting, because Spark's cast also accepts forms such as a bare year ("12345").
   * docs/bad-data.md and docs/schema.md state the same rule.
   */
  public static final String TIMESTAMP_PATTERN =
      "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})?\\z";

  /** Longer unit ids are quarantined ({@code invalid_unit_id}). */
  public static final int MAX_UNIT_ID_CHARS = UnitIds.MAX_CHARS;

  /**
   * The text of the JSON string value of the {@code unit_id} field, escapes as written (group 1).
   */
  static final String UNIT_ID_STRING =
      "\"unit_id\"\\s*:\\s*\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"";

  /** In JSON string text: an escaped backslash, or a surrogate pair written as two escapes. */
  static final String ESCAPED_BACKSLASH_OR_PAIR =
      "\\\\\\\\|\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}";

  /** In JSON string text: the escape of a surrogate code unit, U+D800 to U+DFFF. */
  static final String SURROGATE_ESCAPE = "\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}";

  private static final String SEEN = "_seen_earlier";
  private static final String STRUCTURAL = "_structural";
  private static final String REFERENCE = "_reference";
  private static final String LATER_COPY = "_later_copy";

  /** The 64-bit hash of the event id ({@code xxhash64}). */
  public static final String ID_HASH = "_id_hash";

  /** Two 64-bit digests of the raw text, which order copies of an event id of the same date. */
  static final String DIGEST = "_raw_digest";

  static final String DIGEST_2 = "_raw_digest_2";

  static final String NESTED_PATTERN = "^\\s*[\\[{]";

  private Ingest() {}

  /**
   * Classifies the rows of {@link io.assay.io.ExposureLogs#read} and keeps those in {@code scope}.
   * Adds {@link #DISPOSITION}, {@link #REASON}, {@link #DETAIL} and {@link #EVENT_TS}. The steps
   * composed without a cache, so {@code raw} is read twice (for the repeated hashes, then for the
   * rows); reconcile composes the same steps over cached rows ({@link Classified}).
   *
   * @param scope the dates whose rows are classified and returned
   * @param earlier the lookback dates read (all before {@code scope}): their valid event ids make
   *     later copies duplicates; their rows are not returned
   */
  public static Dataset<Row> classify(
      Dataset<Row> raw,
      List<ExperimentDefinition> definitions,
      List<LocalDate> scope,
      List<LocalDate> earlier) {
    return classify(raw, definitions, scope, earlier, false);
  }

  /**
   * As {@link #classify(Dataset, List, List, List)}; with {@code inferVersion} (logs whose mapping
   * gives no version), each row's version is the one whose window holds its {@code ts} (of several,
   * the latest to start), and a row no version's window holds is quarantined {@code
   * unknown_version}. Arms of versions logged by index ({@code arms_logged_as: index}) become their
   * keys first.
   */
  public static Dataset<Row> classify(
      Dataset<Row> raw,
      List<ExperimentDefinition> definitions,
      List<LocalDate> scope,
      List<LocalDate> earlier,
      boolean inferVersion) {
    Dataset<Row> checked = check(raw, definitions, inferVersion);
    Dataset<Row> current =
        checked.filter(col(DATE).isin(scope.stream().map(Date::valueOf).toArray()));
    Dataset<Row> earlierIds =
        earlier.isEmpty()
            ? null
            : earlierIds(
                checked.filter(col(DATE).isin(earlier.stream().map(Date::valueOf).toArray())));
    return dispose(current, repeatedHashes(current, earlierIds), earlierIds, false);
  }

  /**
   * The checks of each row on its own (step 1 and 3 of the class comment): adds {@link #EVENT_TS},
   * the structural and the reference problem (null when none), and the 64-bit hashes duplicate
   * detection uses: of the event id, and two of the raw text, which order copies. What {@link
   * #dispose} needs, so a caller can cache the checked rows and derive everything from them.
   */
  public static Dataset<Row> check(
      Dataset<Row> raw, List<ExperimentDefinition> definitions, boolean inferVersion) {
    Column eventTs = eventTs();
    if (inferVersion) {
      raw = raw.withColumn(VERSION, versionAt(definitions, eventTs));
    }
    if (definitions.stream()
        .anyMatch(d -> d.armsLoggedAs() == ExperimentDefinition.ArmsLoggedAs.INDEX)) {
      raw = raw.withColumn(ARM, armKey(definitions));
    }
    Column structural = when(col(CORRUPT), reason(QuarantineReason.UNPARSEABLE, null));
    for (String f : io.assay.io.ExposureLogs.REQUIRED) {
      if (!(inferVersion && f.equals(VERSION))) {
        structural = structural.when(col(f).isNull(), reason(QuarantineReason.MISSING_FIELD, f));
      }
    }
    for (String f : List.of(EVENT_ID, EXPERIMENT, VERSION)) {
      structural = structural.when(col(f).equalTo(""), reason(QuarantineReason.MISSING_FIELD, f));
    }
    // JSON text fields are read as text whatever the value, so an object or array arrives as its
    // JSON text: catch it before it becomes an id.
    for (String f : io.assay.io.ExposureLogs.REQUIRED) {
      structural =
          structural.when(col(f).rlike(NESTED_PATTERN), reason(QuarantineReason.WRONG_TYPE, f));
    }
    structural =
        structural
            .when(
                col(UNIT_ID).rlike(UnitIds.BLANK_PATTERN),
                reason(QuarantineReason.EMPTY_UNIT_ID, null))
            .when(
                length(col(UNIT_ID))
                    .gt(MAX_UNIT_ID_CHARS)
                    .or(col(UNIT_ID).rlike(UnitIds.CONTROL_PATTERN))
                    .or(not(is_valid_utf8(col(UNIT_ID))))
                    .or(loneSurrogateEscape()),
                reason(QuarantineReason.INVALID_UNIT_ID, null))
            .when(col(ARM).equalTo(""), reason(QuarantineReason.EMPTY_ARM, null))
            .when(eventTs.isNull(), reason(QuarantineReason.BAD_TIMESTAMP, null));

    List<String> keys = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    List<String> arms = new ArrayList<>();
    for (ExperimentDefinition def : definitions) {
      keys.add(def.key());
      versions.add(def.key() + "@" + def.version());
      for (String a : def.armKeys()) {
        arms.add(def.key() + "@" + def.version() + "#" + a);
      }
    }
    Column reference =
        when(
                not(col(EXPERIMENT).isin(keys.toArray())),
                reason(QuarantineReason.UNKNOWN_EXPERIMENT, null))
            .when(
                col(VERSION).isNull(), // inferred, and no version's window holds ts
                reason(QuarantineReason.UNKNOWN_VERSION, "no version's window holds ts"))
            .when(
                not(concat(col(EXPERIMENT), lit("@"), col(VERSION)).isin(versions.toArray())),
                reason(QuarantineReason.UNKNOWN_VERSION, null))
            .when(
                not(
                    concat(col(EXPERIMENT), lit("@"), col(VERSION), lit("#"), col(ARM))
                        .isin(arms.toArray())),
                reason(QuarantineReason.UNKNOWN_ARM, null));
    return raw.withColumn(EVENT_TS, eventTs)
        .withColumn(STRUCTURAL, structural)
        .withColumn(REFERENCE, reference)
        .withColumn(ID_HASH, xxhash64(col(EVENT_ID)))
        .withColumn(DIGEST, xxhash64(col(RAW)))
        .withColumn(DIGEST_2, xxhash64(col(RAW), col(RAW)));
  }

  /** Whether a checked row is structurally valid (it takes part in duplicate detection). */
  public static Column valid() {
    return col(STRUCTURAL).isNull();
  }

  /** Whether a checked row will be quarantined if it is not a duplicate (its raw text is kept). */
  public static Column hasProblem() {
    return col(STRUCTURAL).isNotNull().or(col(REFERENCE).isNotNull());
  }

  /**
   * The distinct valid event ids of checked rows of the lookback partitions: a copy in scope of one
   * of them is a duplicate. Their ids are shuffled, not their rows.
   */
  public static Dataset<Row> earlierIds(Dataset<Row> checkedEarlier) {
    return checkedEarlier.filter(valid()).select(col(EVENT_ID).as(SEEN), col(ID_HASH)).distinct();
  }

  /**
   * The {@link #ID_HASH} values that need the copy order: those of more than one valid row in
   * scope, or of a valid row in scope and an earlier id. A superset of the repeated event ids (two
   * ids may share a hash), so it only chooses which rows {@link #dispose} orders exactly. One
   * aggregation of 64-bit hashes.
   *
   * @param earlierIds {@link #earlierIds}, or null without a lookback
   */
  public static Dataset<Row> repeatedHashes(Dataset<Row> checkedScope, Dataset<Row> earlierIds) {
    Dataset<Row> inScope =
        checkedScope.filter(valid()).select(col(ID_HASH), lit(1L).as("n"), lit(0L).as("e"));
    Dataset<Row> all =
        earlierIds == null
            ? inScope
            : inScope.unionByName(
                earlierIds.select(col(ID_HASH), lit(0L).as("n"), lit(1L).as("e")));
    return all.groupBy(col(ID_HASH))
        .agg(sum("n").as("n"), sum("e").as("e"))
        .filter(col("n").gt(1).or(col("n").equalTo(1).and(col("e").gt(0))))
        .select(col(ID_HASH));
  }

  /**
   * Gives checked rows in scope their disposition. Valid rows whose id hash is in {@code repeated}
   * are ordered exactly: per event id, a copy after the first valid one, or any copy of an earlier
   * id, is a duplicate. With {@code broadcast} only these rows are shuffled (without it, the join
   * with {@code repeated} shuffles every row). Every other valid row is the only valid copy of its
   * id. Adds {@link #DISPOSITION}, {@link #REASON} and {@link #DETAIL}; drops the columns {@link
   * #check} added, {@link #EVENT_TS} aside.
   *
   * @param repeated {@link #repeatedHashes}
   * @param earlierIds {@link #earlierIds}, or null without a lookback
   * @param broadcast whether {@code repeated} is small enough to send to every task
   */
  public static Dataset<Row> dispose(
      Dataset<Row> checkedScope,
      Dataset<Row> repeated,
      Dataset<Row> earlierIds,
      boolean broadcast) {
    Dataset<Row> hashes = broadcast ? org.apache.spark.sql.functions.broadcast(repeated) : repeated;
    Dataset<Row> single =
        checkedScope
            .filter(not(valid()))
            .unionByName(checkedScope.filter(valid()).join(hashes, ID_HASH, "left_anti"))
            .withColumn(LATER_COPY, lit(false));
    Dataset<Row> copies = checkedScope.filter(valid()).join(hashes, ID_HASH, "left_semi");
    Column seenEarlier = lit(false);
    if (earlierIds != null) {
      Dataset<Row> ids = earlierIds.join(hashes, ID_HASH, "left_semi").select(col(SEEN));
      copies = copies.join(ids, col(EVENT_ID).equalTo(col(SEEN)), "left_outer");
      seenEarlier = col(SEEN).isNotNull();
    }
    // The first copy of an event id wins: earliest partition, then the smallest digest of the raw
    // text, so the choice is the same on every run whatever the file order (copies with the same
    // digests are the same text).
    Column copy =
        row_number()
            .over(Window.partitionBy(col(EVENT_ID)).orderBy(col(DATE), col(DIGEST), col(DIGEST_2)));
    copies = copies.withColumn(LATER_COPY, seenEarlier.or(copy.gt(1)));
    if (earlierIds != null) {
      copies = copies.drop(SEEN);
    }
    Column problem =
        when(col(STRUCTURAL).isNotNull(), col(STRUCTURAL))
            .when(col(LATER_COPY), lit(null))
            .otherwise(col(REFERENCE));
    Column disposition =
        when(col(STRUCTURAL).isNotNull(), lit(QUARANTINED))
            .when(col(LATER_COPY), lit(DUPLICATE))
            .when(col(REFERENCE).isNotNull(), lit(QUARANTINED))
            .otherwise(lit(ACCEPTED));
    return single
        .unionByName(copies)
        .withColumn("problem", problem)
        .withColumn(DISPOSITION, disposition)
        .withColumn(REASON, col("problem.reason"))
        .withColumn(DETAIL, col("problem.detail"))
        .drop(STRUCTURAL, REFERENCE, ID_HASH, DIGEST, DIGEST_2, LATER_COPY, "problem");
  }

  /**
   * The version of the row's experiment whose window {@code [start, end)} holds {@code ts}: of
   * several, the latest to start (then the highest version), so a definition superseded by a new
   * version without an end yields to it; null when none holds it.
   */
  static Column versionAt(List<ExperimentDefinition> definitions, Column ts) {
    List<ExperimentDefinition> byStart = new ArrayList<>(definitions);
    byStart.sort(
        java.util.Comparator.comparing(ExperimentDefinition::start)
            .thenComparing(ExperimentDefinition::version)
            .reversed());
    Column version = lit(null).cast(DataTypes.StringType);
    for (int i = byStart.size() - 1; i >= 0; i--) {
      ExperimentDefinition d = byStart.get(i);
      version =
          when(
                  col(EXPERIMENT)
                      .equalTo(d.key())
                      .and(ts.geq(lit(java.sql.Timestamp.from(d.start()))))
                      .and(ts.lt(lit(java.sql.Timestamp.from(d.end())))),
                  lit(d.version().toString()))
              .otherwise(version);
    }
    return version;
  }

  /**
   * The logged arm as a key: for versions logged by index ({@code arms_logged_as: index}), {@code
   * "0"}, {@code "1"}, … become the keys of the first, second, … arm; any other value is kept (and
   * an unknown one is quarantined {@code unknown_arm}).
   */
  static Column armKey(List<ExperimentDefinition> definitions) {
    Column arm = col(ARM);
    for (ExperimentDefinition d : definitions) {
      if (d.armsLoggedAs() != ExperimentDefinition.ArmsLoggedAs.INDEX) {
        continue;
      }
      Column mine =
          col(EXPERIMENT).equalTo(d.key()).and(col(VERSION).equalTo(d.version().toString()));
      for (int i = 0; i < d.arms().size(); i++) {
        arm =
            when(mine.and(col(ARM).equalTo(String.valueOf(i))), lit(d.arms().get(i).key()))
                .otherwise(arm);
      }
    }
    return arm;
  }

  /**
   * Whether the JSON text of the {@code unit_id} holds the escape of a lone surrogate (U+D800 to
   * U+DFFF, written as a backslash, {@code u} and four hex digits, without its partner). Spark's
   * strings are UTF-8, so its JSON reader turns such an escape into {@code ?}: the id Spark would
   * hash is no longer the one logged (and GrowthBook's hash of the UTF-16 original differs). Only
   * ids holding a {@code ?} can come from one, so only those are looked up in the raw text: valid
   * pairs and escaped backslashes are removed from the field's text, and any surrogate escape left
   * is lone. (A lone surrogate as raw bytes is not valid UTF-8: such a JSON line is {@code
   * unparseable}, and such a typed value fails {@code is_valid_utf8}.)
   */
  static Column loneSurrogateEscape() {
    Column text = regexp_extract(col(RAW), UNIT_ID_STRING, 1);
    return col(UNIT_ID)
        .contains("?")
        .and(regexp_replace(text, ESCAPED_BACKSLASH_OR_PAIR, "").rlike(SURROGATE_ESCAPE));
  }

  /**
   * The parsed {@code ts}: null unless it is an ISO-8601 timestamp ({@link #TIMESTAMP_PATTERN}).
   */
  public static Column eventTs() {
    Column tsText = col(TS);
    return when(tsText.rlike(TIMESTAMP_PATTERN), tsText.try_cast(DataTypes.TimestampType));
  }

  private static Column reason(QuarantineReason r, String detail) {
    return org.apache.spark.sql.functions.struct(
        lit(r.code()).as("reason"), lit(detail).cast(DataTypes.StringType).as("detail"));
  }
}
