package io.assay.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.assay.assignment.Status;
import io.assay.config.ExperimentDefinition;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Cost: one aggregation by unit index. The decisions arrive in the slices of {@link
 * Units#indices}, which already cluster by unit, so Spark plans it without a shuffle. The first
 * exposure of each experiment is a {@code min} over a long ({@code ts_ms × 16 + arm index}), so the
 * aggregation is hash-based.
 */
public final class Enrollment {
  /** {@code array<struct<ts: timestamp, experiment, version, arm>>}, sorted by time. */
  public static final String ENROLLMENTS = "enrollments";

  public static final String TS = "ts";
  public static final String EXPERIMENT = "experiment";
  public static final String VERSION = "version";
  public static final String ARM = "arm";

  /** Arms are packed in 4 bits beside the timestamp. */
  static final int MAX_ARMS = 16;

  private Enrollment() {}

  /** One row per unit: {@link Units#IDX} and {@link #ENROLLMENTS} (possibly empty). */
  public static Dataset<Row> enrollments(Dataset<Row> decided, OnlineSystem online) {
    Column experiment = col(OnlineSystem.EXPERIMENT);
    Column status = col(OnlineSystem.DECISION).getField("status");
    Column armIndex =
        array_position(online.armKeys(experiment), col(OnlineSystem.DECISION).getField("arm"))
            .minus(1);
    Column packed = unix_millis(col(Visits.TS)).multiply(MAX_ARMS).plus(armIndex);
    List<ExperimentDefinition> served = online.experiments();
    List<Column> firsts = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      ExperimentDefinition d = served.get(i);
      if (d.arms().size() > MAX_ARMS) {
        throw new IllegalArgumentException(d.id() + " has more than " + MAX_ARMS + " arms");
      }
      Column assigned = experiment.equalTo(d.key()).and(status.equalTo(Status.ASSIGNED.code()));
      firsts.add(min(when(assigned, packed)).as(packedName(i)));
    }
    Dataset<Row> packedFirsts =
        decided
            .groupBy(col(Units.IDX))
            .agg(firsts.get(0), firsts.subList(1, firsts.size()).toArray(Column[]::new));
    List<Column> entries = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      ExperimentDefinition d = served.get(i);
      Column p = col(packedName(i));
      Column arms = array(d.armKeys().stream().map(a -> lit(a)).toArray(Column[]::new));
      entries.add(
          when(
              p.isNotNull(),
              struct(
                  timestamp_millis(floor(p.divide(MAX_ARMS)).cast(DataTypes.LongType)).as(TS),
                  lit(d.key()).as(EXPERIMENT),
                  lit(d.version().toString()).as(VERSION),
                  get(arms, pmod(p, lit((long) MAX_ARMS)).cast(DataTypes.IntegerType)).as(ARM))));
    }
    // Ascending sort puts the nulls (experiments without enrollment) first; slice them off.
    Column all = sort_array(array(entries.toArray(Column[]::new)));
    Column enrolled = lit(0);
    for (int i = 0; i < served.size(); i++) {
      enrolled = enrolled.plus(when(col(packedName(i)).isNotNull(), 1).otherwise(0));
    }
    return packedFirsts.select(
        col(Units.IDX),
        slice(all, lit(served.size()).minus(enrolled).plus(1), enrolled).as(ENROLLMENTS));
  }

  private static String packedName(int i) {
    return "first_packed_" + i;
  }
}
