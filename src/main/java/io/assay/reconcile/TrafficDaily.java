package io.assay.reconcile;

import static io.assay.io.ExposureLogs.ATTRIBUTES;
import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.EVENT_ID;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.UNIT_ID;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
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

/**
 * Inputs of the exposure-share check: per date and experiment version, how many of the units seen
 * that day (in any experiment's logs) the definition deems eligible (in window, eligible, outside
 * the holdout, in the namespace slice), how many of those it assigns, the mean traffic in force for
 * them (the intended enrolled share), and how many units were actually logged in the experiment.
 *
 * <p>The units seen across all logs are the traffic base, which assumes a visiting unit reaches
 * every experiment's surface; where that is not so, the observed share measures coverage rather
 * than a fault. Computed in reconciliation because it needs raw unit ids to recompute positions.
 * Cost: one aggregation to units per day, one projection evaluating every definition, one
 * aggregation; no collect.
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
    List<Column> perExperiment = new ArrayList<>();
    for (int i = 0; i < defs.size(); i++) {
      ExperimentDefinition d = defs.get(i);
      String name = "d" + i;
      unitsSeen =
          SparkAssignment.withDecision(
              unitsSeen,
              AssignmentPlan.of(d, site),
              col(UNIT_ID),
              col("first.attributes"),
              col("first.ts"),
              name);
      perExperiment.add(
          struct(
              lit(d.key()).as(EXPERIMENT),
              lit(d.version().toString()).as(VERSION),
              col(name + ".status").as("status"),
              col(name + ".traffic").as("traffic")));
    }
    Column status = col("x.status");
    Column eligible = status.isin(Status.ASSIGNED.code(), Status.NOT_IN_TRAFFIC.code());
    Dataset<Row> expected =
        unitsSeen
            .select(col(DATE), explode(array(perExperiment.toArray(Column[]::new))).as("x"))
            .groupBy(
                col(DATE), col("x." + EXPERIMENT).as(EXPERIMENT), col("x." + VERSION).as(VERSION))
            .agg(
                count(lit(1)).as("units_seen"),
                sum(when(eligible, 1).otherwise(0)).as("eligible_units"),
                sum(when(status.equalTo(Status.ASSIGNED.code()), 1).otherwise(0))
                    .as("assigned_units"),
                avg(when(eligible, col("x.traffic"))).as("intended_traffic"));
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
