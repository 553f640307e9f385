package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.assay.assignment.Status;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Each unit's true enrollments: for every served experiment, the first visit at which the online
 * system assigned it, and the arm it served. Effects on the unit's metrics start there. Computed
 * from the decisions before any fault is injected (faults change what is logged, not what was
 * served).
 *
 * <p>Cost: two aggregations, by unit index and experiment, then by unit index, whatever the number
 * of experiments. The decisions arrive in the slices of {@link Units#indices}, which already
 * cluster by unit, so Spark plans neither with a shuffle. The first exposure of each experiment is
 * a {@code min} over a long ({@code ts_ms × 1024 + arm index}), so the first aggregation is
 * hash-based.
 */
public final class Enrollment {
  /** {@code array<struct<ts: timestamp, experiment, version, arm>>}, sorted by time. */
  public static final String ENROLLMENTS = "enrollments";

  public static final String TS = "ts";
  public static final String EXPERIMENT = "experiment";
  public static final String VERSION = "version";
  public static final String ARM = "arm";

  /** The index of the arm (among every served arm key) is packed in 10 bits beside the time. */
  static final int MAX_ARMS = 1024;

  private static final String FIRST = "first_packed";

  private Enrollment() {}

  /** One row per unit: {@link Units#IDX} and {@link #ENROLLMENTS} (possibly empty). */
  public static Dataset<Row> enrollments(Dataset<Row> decided, OnlineSystem online) {
    if (online.armNames().size() > MAX_ARMS) {
      throw new IllegalArgumentException(
          "the served experiments have more than " + MAX_ARMS + " distinct arm keys");
    }
    Column experiment = col(OnlineSystem.EXPERIMENT);
    Column version = col(OnlineSystem.VERSION);
    Column status = col(OnlineSystem.DECISION).getField("status");
    Column armIndex = online.armIndex(col(OnlineSystem.DECISION).getField("arm"));
    Column packed = unix_millis(col(Visits.TS)).multiply(MAX_ARMS).plus(armIndex);
    Column first = col(FIRST);
    Column entry =
        struct(
            timestamp_millis(floor(first.divide(MAX_ARMS)).cast(DataTypes.LongType)).as(TS),
            experiment.as(EXPERIMENT),
            version.as(VERSION),
            online.armName(pmod(first, lit((long) MAX_ARMS))).as(ARM));
    // Both aggregations group by the unit index first, so neither shuffles; collect_list skips
    // the nulls of experiments the unit was never assigned to.
    return decided
        .groupBy(col(Units.IDX), experiment, version)
        .agg(min(when(status.equalTo(Status.ASSIGNED.code()), packed)).as(FIRST))
        .groupBy(col(Units.IDX))
        .agg(sort_array(collect_list(when(first.isNotNull(), entry))).as(ENROLLMENTS));
  }
}
