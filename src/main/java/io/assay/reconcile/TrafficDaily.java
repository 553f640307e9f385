package io.assay.reconcile;

import static io.assay.io.ExposureLogs.ATTRIBUTES;
import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.EVENT_ID;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.UNIT_ID;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Status;
import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Inputs of the exposure-share check: per date and experiment version, how many of the units seen
 * that day (in any experiment's logs) the definition deems eligible (in window, eligible, outside
 * the holdout, in the namespace slice), how many of those it assigns, the mean traffic in force for
 * them (the intended enrolled share), and how many units were actually logged in the experiment.
 *
 * <p>The units seen across all logs are the traffic base, which assumes a visiting unit reaches
 * every experiment's surface; where that is not so, the observed share measures coverage rather
 * than a fault. Computed in reconciliation because it needs raw unit ids to recompute positions.
 * Cost: one aggregation to units per day, one projection deciding each unit-day for its candidate
 * definitions ({@link SparkAssignment#withCandidates}: a few, however many experiments share
 * namespaces), one aggregation; no collect. The units seen per date are a second aggregation of the
 * same (date, unit) pairs, without functions (Spark prunes the first one's {@code min_by} from it,
 * so the two do not share a shuffle): one more scan stage, 1 to 3 s of task time on the 100k-unit
 * world against 108 s for all of reconcile, where deciding every unit-day for every definition cost
 * minutes at 200 experiments.
 */
final class TrafficDaily {
  private TrafficDaily() {}

  static Dataset<Row> compute(
      Dataset<Row> recomputed, List<ExperimentDefinition> defs, AssayConfig site) {
    Dataset<Row> unitsSeen =
        recomputed
            .groupBy(col(DATE), col(UNIT_ID))
            .agg(
                min_by(
                        struct(col(Ingest.EVENT_TS).as("ts"), col(ATTRIBUTES).as("attributes")),
                        struct(col(Ingest.EVENT_TS), col(EVENT_ID))) // ties: by event id
                    .as("first"));
    // Each unit-day is decided only for the definitions whose namespace slice holds the unit (and
    // those outside a namespace): the others would decide not_in_namespace, which adds to
    // units_seen only, and units_seen is the same count for every definition of the date.
    List<AssignmentPlan> plans = defs.stream().map(d -> AssignmentPlan.of(d, site)).toList();
    List<SparkAssignment.Keyed> keyed = new ArrayList<>();
    for (AssignmentPlan p : plans) {
      ExperimentDefinition d = p.definition();
      keyed.add(
          new SparkAssignment.Keyed(
              col(EXPERIMENT).equalTo(d.key()).and(col(VERSION).equalTo(d.version().toString())),
              p));
    }
    Dataset<Row> candidates =
        SparkAssignment.withCandidates(
                unitsSeen,
                plans,
                col(UNIT_ID),
                false,
                p ->
                    struct(
                        lit(p.definition().key()).as(EXPERIMENT),
                        lit(p.definition().version().toString()).as(VERSION)),
                "candidates")
            .withColumn("candidate", explode(col("candidates")))
            .withColumn(EXPERIMENT, col("candidate." + EXPERIMENT))
            .withColumn(VERSION, col("candidate." + VERSION));
    Column status = col("x.status");
    Column eligible = status.isin(Status.ASSIGNED.code(), Status.NOT_IN_TRAFFIC.code());
    Dataset<Row> decided =
        SparkAssignment.withDecision(
                candidates, keyed, col(UNIT_ID), col("first.attributes"), col("first.ts"), "x")
            .groupBy(col(DATE), col(EXPERIMENT), col(VERSION))
            .agg(
                sum(when(eligible, 1L).otherwise(0L)).as("eligible_units"),
                sum(when(status.equalTo(Status.ASSIGNED.code()), 1L).otherwise(0L))
                    .as("assigned_units"),
                avg(when(eligible, col("x.traffic"))).as("intended_traffic"));
    List<Row> definitions = new ArrayList<>();
    for (ExperimentDefinition d : defs) {
      definitions.add(RowFactory.create(d.key(), d.version().toString()));
    }
    Dataset<Row> everyDefinition =
        unitsSeen
            .sparkSession()
            .createDataFrame(
                definitions,
                new StructType()
                    .add(EXPERIMENT, DataTypes.StringType)
                    .add(VERSION, DataTypes.StringType));
    Dataset<Row> expected =
        unitsSeen
            .groupBy(col(DATE))
            .agg(count(lit(1)).as("units_seen"))
            .crossJoin(broadcast(everyDefinition))
            .join(decided, new String[] {DATE, EXPERIMENT, VERSION}, "left")
            .na()
            .fill(0L, new String[] {"eligible_units", "assigned_units"})
            .select(
                col(DATE),
                col(EXPERIMENT),
                col(VERSION),
                col("units_seen"),
                col("eligible_units"),
                col("assigned_units"),
                col("intended_traffic"));
    Dataset<Row> logged =
        recomputed
            .groupBy(col(DATE), col(EXPERIMENT), col(VERSION))
            .agg(count_distinct(col(UNIT_ID)).as("logged_units"));
    return expected
        .join(logged, new String[] {DATE, EXPERIMENT, VERSION}, "left")
        .na()
        .fill(0L, new String[] {"logged_units"})
        .withColumn(
            "observed_share",
            when(col("eligible_units").gt(0), col("logged_units").divide(col("eligible_units"))));
  }
}
