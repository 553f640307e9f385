package io.assay.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.left;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.assay.assignment.Status;
import io.assay.io.Category;
import io.assay.reconcile.QuarantineReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The raw exposure log, faults included, as tagged rows: each row is one written line (or, for the
 * SRM fault, one event that was not written) with the logged fields of DESIGN §4.1 and the tags
 * that say what the generator did to it ({@link #FAULT}, {@link #QUARANTINE}) and what the
 * reconciler should conclude ({@link #CATEGORY}). Truth counts aggregate these tags; the writers
 * drop them.
 *
 * <p>Each decided (visit × experiment) row gets a fault kind (usually none), then yields zero, one
 * or two output rows: assigned decisions give the clean event, altered by its fault, or the clean
 * event plus a faulty copy; other decisions give nothing, or an exposure a faulty client should not
 * have logged. The faulty row's fields are per-row {@code CASE}s over the kind, so the generated
 * code stays small. Narrow: no shuffle. The one extra cost is a second twin decision, at the next
 * ramp step, for the few rows drawn as not-in-traffic candidates.
 */
public final class ExposureLog {
  public static final String EVENT_ID = "event_id";
  public static final String TS = "ts";
  public static final String UNIT_ID = "unit_id";
  public static final String EXPERIMENT = "experiment";
  public static final String VERSION = "version";
  public static final String ARM = "arm";
  public static final String ATTRIBUTES = "attributes";
  public static final String FLAGS = "flags";
  public static final String SOURCE = "source";

  /** The partition the row is written to (a date; its directory is {@code date=YYYY-MM-DD}). */
  public static final String DATE = "date";

  /** The fault injected into the row ({@link Fault#code()}), null for a clean row. */
  public static final String FAULT = "fault";

  /** The quarantine reason the row should get ({@link QuarantineReason#code()}), or null. */
  public static final String QUARANTINE = "quarantine";

  /** The reconciliation category of an accepted row ({@link Category#code()}), or null. */
  public static final String CATEGORY = "category";

  /** False for events the SRM fault dropped: they are counted in truth, never written. */
  public static final String WRITTEN = "written";

  /** The experiment and version the online system served (the logged ones may be corrupted). */
  public static final String SERVED_EXPERIMENT = "served_experiment";

  public static final String SERVED_VERSION = "served_version";

  /** The unit's id as served (the logged one may be missing or empty). */
  public static final String SERVED_UNIT = "served_unit_id";

  /** ISO-8601 UTC with milliseconds and {@code Z}, in the UTC session time zone. */
  public static final String TS_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

  /** Unparseable timestamps written by the bad-timestamp fault. */
  static final String[] BAD_TIMESTAMPS = {"2026-13-45T99:00:00Z", "yesterday"};

  /** Written instead of {@code ts} when set (bad timestamps). */
  private static final String TS_TEXT = "ts_text";

  /** Cut the line in half (unparseable). */
  private static final String TRUNCATE = "truncate";

  private static final String ROW = "log_row";
  private static final String CLEAN_ROW = "clean_row";
  private static final String CLEAN_ID = "clean_event_id";
  private static final String ARM_KEYS = "fault_arm_keys";
  private static final String DETAIL = "fault_detail";
  private static final String DETAIL2 = "fault_detail2";
  private static final String OTHER_ARM = "fault_other_arm";
  private static final String UNIT_ARM = "fault_unit_arm";
  private static final String FAULTY_TS = "fault_ts";
  private static final String FAULTY_ROW = "faulty_row";
  private static final String DRAW = "fault_draw";
  private static final String KIND = "fault_kind";
  private static final String NEXT_DECISION = "next_decision";
  private static final long TWO_DAYS_MS = 2 * Timeline.DAY_MS;

  /** The fields of a log row, in the order of the row struct. */
  private static final List<String> FIELDS =
      List.of(
          EVENT_ID,
          TS,
          TS_TEXT,
          UNIT_ID,
          EXPERIMENT,
          VERSION,
          ARM,
          DATE,
          FAULT,
          QUARANTINE,
          CATEGORY,
          WRITTEN,
          TRUNCATE);

  /** Extra exposures logged where the online system did not assign, by the twin's status. */
  private static final Map<Status, Fault> UNASSIGNED = unassigned();

  private ExposureLog() {}

  private static Map<Status, Fault> unassigned() {
    Map<Status, Fault> m = new EnumMap<>(Status.class);
    m.put(Status.NOT_ELIGIBLE, Fault.NOT_ELIGIBLE);
    m.put(Status.HOLDOUT, Fault.HOLDOUT_CONFLICT);
    m.put(Status.NOT_IN_NAMESPACE, Fault.NAMESPACE_CONFLICT);
    return m;
  }

  /** The tagged rows for decided (visit × experiment) rows of {@link OnlineSystem#decide}. */
  public static Dataset<Row> tagged(
      Dataset<Row> decided, OnlineSystem online, FaultPlan plan, Draws draws) {
    Column unit = col(Units.UNIT_ID);
    Column experiment = col(OnlineSystem.EXPERIMENT);
    Column[] key = {unit, experiment, col(Visits.DAY)};
    // Intermediate columns are dropped at the end by the final select.
    Column status = col(OnlineSystem.DECISION).getField("status");
    Dataset<Row> rows = decided.withColumn(DRAW, draws.uniform("fault", key));
    boolean rampFaults = plan.extra().containsKey(Status.NOT_IN_TRAFFIC);
    if (rampFaults) {
      Column candidate =
          status
              .equalTo(Status.NOT_IN_TRAFFIC.code())
              .and(col(DRAW).lt(plan.extra().get(Status.NOT_IN_TRAFFIC)));
      rows = online.decideAtNextStep(rows, candidate, unit, col(Units.ATTRIBUTES), NEXT_DECISION);
    }
    Faults f = new Faults(online, plan, draws, rampFaults);
    rows = rows.withColumn(KIND, f.kind(status));
    Column kind = col(KIND);
    // Values several fields use are columns of their own (computed once, only for faulty rows):
    // Spark's generated code repeats an expression at every use inside a CASE. Each row struct is
    // built only where it is written (most rows: the clean one alone), so the long CASEs of the
    // faulty row cost nothing on clean rows.
    Column faulty = kind.isNotNull();
    Column assigned = status.equalTo(Status.ASSIGNED.code());
    rows =
        rows.withColumn(
                CLEAN_ID,
                when(assigned, draws.id("event", unit, experiment, unix_millis(col(Visits.TS)))))
            .withColumn(ARM_KEYS, when(faulty, online.armKeys(experiment)))
            .withColumn(DETAIL, when(faulty, draws.uniform("fault_detail", key)))
            .withColumn(DETAIL2, when(faulty, draws.uniform("fault_detail2", key)))
            .withColumn(OTHER_ARM, when(faulty, f.otherArm()))
            .withColumn(UNIT_ARM, when(faulty, f.unitArm()))
            .withColumn(FAULTY_TS, f.faultyTs(kind))
            .withColumn(CLEAN_ROW, when(assigned, f.clean()))
            .withColumn(FAULTY_ROW, when(faulty, f.faulty(kind)));
    // Rows that yield no output explode a null array (no rows) rather than pass a Filter, into
    // which Spark would copy the whole fault expression. A clean event is written as served; a
    // fault replaces it or adds a copy beside it.
    Column rowsOut =
        when(
                faulty,
                when(f.copies(kind), array(col(CLEAN_ROW), col(FAULTY_ROW)))
                    .otherwise(array(col(FAULTY_ROW))))
            .when(assigned, array(col(CLEAN_ROW)));
    return rows.select(
            col(Units.IDX),
            unit.as(SERVED_UNIT),
            experiment.as(SERVED_EXPERIMENT),
            col(OnlineSystem.VERSION).as(SERVED_VERSION),
            col(Units.ATTRIBUTES).as(ATTRIBUTES),
            col(Units.FLAGS).as(FLAGS),
            online.source(experiment, col(Units.PLATFORM)).as(SOURCE),
            explode(rowsOut).as(ROW))
        .select(col("*"), col(ROW + ".*"))
        .drop(ROW);
  }

  /** Rows to write as JSON lines: {@code value} (the line) and {@link #DATE}, sorted for files. */
  public static Dataset<Row> jsonLines(Dataset<Row> tagged) {
    Column tsText = coalesce(col(TS_TEXT), date_format(col(TS), TS_FORMAT));
    Column json =
        to_json(
            struct(
                col(EVENT_ID),
                tsText.as(TS),
                col(UNIT_ID),
                col(EXPERIMENT),
                col(VERSION),
                col(ARM),
                col(ATTRIBUTES),
                col(FLAGS),
                col(SOURCE)));
    // A proper prefix of a JSON object is never a JSON object: the closing brace is cut off.
    Column line =
        when(col(TRUNCATE), left(json, floor(length(json).divide(2)).cast(DataTypes.IntegerType)))
            .otherwise(json);
    return tagged
        .filter(col(WRITTEN))
        .withColumn("value", line)
        .sortWithinPartitions(col(DATE), col(TS), col(EVENT_ID), col("value"))
        .select(col("value"), col(DATE));
  }

  /** Rows to write as Parquet: the logged fields typed, and {@link #DATE}, sorted for files. */
  public static Dataset<Row> parquetRows(Dataset<Row> tagged) {
    return tagged
        .filter(col(WRITTEN))
        .sortWithinPartitions(col(DATE), col(TS), col(EVENT_ID), col(UNIT_ID), col(ARM))
        .select(
            col(EVENT_ID),
            col(TS),
            col(UNIT_ID),
            col(EXPERIMENT),
            col(VERSION),
            col(ARM),
            col(ATTRIBUTES),
            col(FLAGS),
            col(SOURCE),
            col(DATE));
  }

  /** The fault kinds and the fields of the rows they produce, as columns of a decided row. */
  private static final class Faults {
    private final OnlineSystem online;
    private final FaultPlan plan;
    private final Draws draws;
    private final boolean rampFaults;
    private final Column draw = col(DRAW);
    private final Column detail = col(DETAIL);
    private final Column detail2 = col(DETAIL2);
    private final Column ts = col(Visits.TS);
    private final Column experiment = col(OnlineSystem.EXPERIMENT);
    private final Column servedArm = col(OnlineSystem.DECISION).getField("arm");
    private final Column cleanId = col(CLEAN_ID);
    private final Column armKeys = col(ARM_KEYS);

    Faults(OnlineSystem online, FaultPlan plan, Draws draws, boolean rampFaults) {
      this.online = online;
      this.plan = plan;
      this.draws = draws;
      this.rampFaults = rampFaults;
    }

    /**
     * The fault of a decided row: for an assigned one, SRM or at most one clean-event fault (drawn
     * from consecutive intervals of the row's draw); for another, the extra exposure a faulty
     * client logs, if drawn. Null: a clean event, or nothing to log.
     */
    Column kind(Column status) {
      Column clean = nullString();
      double lower = 0;
      for (Map.Entry<String, Double> rate : plan.clean().entrySet()) {
        double upper = lower + rate.getValue();
        clean = when(draw.geq(lower).and(draw.lt(upper)), lit(rate.getKey())).otherwise(clean);
        lower = upper;
      }
      Column kind =
          when(
              status.equalTo(Status.ASSIGNED.code()),
              when(srmDropped(), code(Fault.SRM)).otherwise(clean));
      for (var e : UNASSIGNED.entrySet()) {
        Double rate = plan.extra().get(e.getKey());
        if (rate != null) {
          kind =
              kind.when(status.equalTo(e.getKey().code()).and(draw.lt(rate)), code(e.getValue()));
        }
      }
      if (rampFaults) {
        kind =
            kind.when(
                col(NEXT_DECISION).getField("status").equalTo(Status.ASSIGNED.code()),
                code(Fault.NOT_IN_TRAFFIC));
      }
      return kind;
    }

    /** Whether the kind adds a faulty copy beside the clean event (else it replaces it). */
    Column copies(Column kind) {
      List<String> codes =
          new ArrayList<>(
              List.of(
                  Fault.DUPLICATES.code(),
                  Fault.MULTIPLE_ARMS.code(),
                  Fault.OUTSIDE_WINDOW.code()));
      for (QuarantineReason r : QuarantineReason.values()) {
        codes.add(r.code());
      }
      return coalesce(kind.isin(codes.toArray()), lit(false));
    }

    /** The clean event as served. */
    Column clean() {
      return row(
          cleanId,
          ts,
          nullString(),
          col(Units.UNIT_ID),
          experiment,
          col(OnlineSystem.VERSION),
          servedArm,
          to_date(ts),
          nullString(),
          nullString(),
          lit(Category.MATCH.code()),
          lit(true),
          lit(false));
    }

    /** The instant of the row the kind produces. */
    Column faultyTs(Column kind) {
      return byKind(kind, Map.of(Fault.OUTSIDE_WINDOW.code(), outsideWindow()), ts);
    }

    /** The row the kind produces (for no kind: the clean event). */
    Column faulty(Column kind) {
      Column faultyTs = col(FAULTY_TS);
      Map<String, Column> arms = new LinkedHashMap<>();
      arms.put(Fault.WRONG_ARM.code(), col(OTHER_ARM));
      arms.put(Fault.MULTIPLE_ARMS.code(), col(OTHER_ARM));
      for (Fault x : UNASSIGNED.values()) {
        arms.put(x.code(), col(UNIT_ARM));
      }
      if (rampFaults) {
        // A ramp logged early: the arm the unit gets at the next step, logged during this one.
        arms.put(Fault.NOT_IN_TRAFFIC.code(), col(NEXT_DECISION).getField("arm"));
      }
      arms.put(QuarantineReason.EMPTY_ARM.code(), lit(""));
      arms.put(
          QuarantineReason.UNKNOWN_ARM.code(),
          online.byExperiment(experiment, d -> lit(FaultPlan.unknownArm(d))));
      Map<String, Column> categories = new LinkedHashMap<>();
      Map<String, Column> faults = new LinkedHashMap<>();
      for (Fault x : Fault.values()) {
        if (x != Fault.QUARANTINE) {
          faults.put(x.code(), code(x));
          categories.put(x.code(), x.category() == null ? nullString() : lit(x.category().code()));
        }
      }
      for (QuarantineReason r : QuarantineReason.values()) {
        faults.put(r.code(), code(Fault.QUARANTINE));
        categories.put(r.code(), nullString());
      }
      Column quarantined = kind.isin((Object[]) reasonCodes());
      // The same event re-logged keeps its id; an extra event or a broken copy gets its own.
      Column keepsId =
          kind.isNull()
              .or(kind.isin(Fault.DUPLICATES.code(), Fault.WRONG_ARM.code(), Fault.LATE.code()));
      Column id =
          when(keepsId, cleanId)
              .otherwise(
                  draws.id(
                      "event:extra", kind, col(Units.UNIT_ID), experiment, unix_millis(faultyTs)));
      // A late event lands in the next day's partition; every other row (an outside-window one
      // too: a client with a wrong clock) in the partition of the day it was logged.
      Column lateDate = date_add(to_date(ts), 1);
      return row(
          id,
          faultyTs,
          byKind(
              kind,
              Map.of(
                  QuarantineReason.BAD_TIMESTAMP.code(),
                  when(detail.lt(0.5), lit(BAD_TIMESTAMPS[0])).otherwise(lit(BAD_TIMESTAMPS[1]))),
              nullString()),
          byKind(
              kind,
              Map.of(
                  QuarantineReason.MISSING_FIELD.code(), nullString(),
                  QuarantineReason.EMPTY_UNIT_ID.code(), lit(""),
                  // An SDK that logged the unit object instead of its id.
                  QuarantineReason.WRONG_TYPE.code(),
                      concat(lit("{\"id\":\""), col(Units.UNIT_ID), lit("\"}")),
                  // An id with a stray control character.
                  QuarantineReason.INVALID_UNIT_ID.code(),
                      concat(col(Units.UNIT_ID), lit("\u0001"))),
              col(Units.UNIT_ID)),
          byKind(
              kind,
              Map.of(QuarantineReason.UNKNOWN_EXPERIMENT.code(), lit(FaultPlan.UNKNOWN_EXPERIMENT)),
              experiment),
          byKind(
              kind,
              Map.of(QuarantineReason.UNKNOWN_VERSION.code(), lit(FaultPlan.UNKNOWN_VERSION)),
              col(OnlineSystem.VERSION)),
          byKind(kind, arms, servedArm),
          byKind(kind, Map.of(Fault.LATE.code(), lateDate), to_date(ts)),
          byKind(kind, faults, nullString()),
          when(quarantined, kind),
          byKind(kind, categories, lit(Category.MATCH.code())),
          coalesce(kind.notEqual(Fault.SRM.code()), lit(true)),
          coalesce(kind.equalTo(QuarantineReason.UNPARSEABLE.code()), lit(false)));
    }

    /** SRM: every event of a drawn unit in the target stratum and arm is dropped. */
    private Column srmDropped() {
      if (plan.srm().isEmpty()) {
        return lit(false);
      }
      FaultPlan.Srm s = plan.srm().get();
      return experiment
          .equalTo(s.experiment())
          .and(servedArm.equalTo(s.arm()))
          .and(
              coalesce(
                  try_element_at(col(Units.ATTRIBUTES), lit(s.attribute())).equalTo(s.value()),
                  lit(false)))
          .and(draws.uniform("srm", col(Units.UNIT_ID)).lt(s.unitShare()));
    }

    /**
     * Another arm than the served one: the served arm's (0-based) index shifted by {@code 1 +
     * floor(u × (arms - 1))}, modulo the number of arms ({@code array_position} is 1-based).
     */
    Column otherArm() {
      Column index =
          pmod(
              array_position(armKeys, servedArm)
                  .plus(floor(detail2.multiply(size(armKeys).minus(1)))),
              size(armKeys).cast(DataTypes.LongType));
      return get(armKeys, index.cast(DataTypes.IntegerType));
    }

    /** The arm a faulty client shows a unit it should not have exposed: fixed per unit. */
    Column unitArm() {
      Column u = draws.uniform("fault_arm", col(Units.UNIT_ID), experiment);
      return get(armKeys, floor(u.multiply(size(armKeys))).cast(DataTypes.IntegerType));
    }

    /**
     * Half before the start (1 ms to 2 days), half at or after the end (0 to 2 days; a tenth of
     * these exactly at the exclusive end).
     */
    private Column outsideWindow() {
      Column offset = floor(detail2.multiply(TWO_DAYS_MS));
      Column before = unix_millis(online.start(experiment)).minus(offset.plus(1));
      Column after =
          unix_millis(online.end(experiment))
              .plus(when(detail2.lt(0.1), lit(0L)).otherwise(offset));
      return timestamp_millis(when(detail.lt(0.5), before).otherwise(after));
    }

    private static Column byKind(Column kind, Map<String, Column> cases, Column otherwise) {
      Column out = otherwise;
      for (var e : new java.util.TreeMap<>(cases).entrySet()) {
        out = when(kind.equalTo(e.getKey()), e.getValue()).otherwise(out);
      }
      return out;
    }

    private static Column row(Column... values) {
      Column[] named = new Column[values.length];
      for (int i = 0; i < values.length; i++) {
        named[i] = values[i].as(FIELDS.get(i));
      }
      return struct(named);
    }

    private static String[] reasonCodes() {
      QuarantineReason[] rs = QuarantineReason.values();
      String[] out = new String[rs.length];
      for (int i = 0; i < rs.length; i++) {
        out[i] = rs[i].code();
      }
      return out;
    }

    private static Column code(Fault f) {
      return lit(f.code());
    }

    private static Column nullString() {
      return lit(null).cast(DataTypes.StringType);
    }
  }
}
