package io.assay.reconcile;

import static io.assay.io.ExposureLogs.ARM;
import static io.assay.io.ExposureLogs.ATTRIBUTES;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.UNIT_ID;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Status;
import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import io.assay.io.Category;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Recomputes each accepted exposure with the definition version it names, using the Spark twin of
 * the assigner, and classifies it into a {@link Category}. Adds {@link #DECISION} (the recomputed
 * decision struct), {@link #RECOMPUTED_ARM} and {@link #CATEGORY}.
 *
 * <p>All definitions are evaluated in one projection (a {@code CASE} on experiment and version), so
 * the logs are read once for every experiment. Native-scheme hashes are Spark built-ins; no
 * shuffle.
 */
public final class Recompute {
  public static final String DECISION = "decision";
  public static final String RECOMPUTED_ARM = "recomputed_arm";
  public static final String CATEGORY = "category";

  private Recompute() {}

  public static Dataset<Row> classify(
      Dataset<Row> accepted, List<ExperimentDefinition> definitions, AssayConfig site) {
    List<SparkAssignment.Keyed> plans = new ArrayList<>();
    for (ExperimentDefinition d : definitions) {
      Column applies =
          col(EXPERIMENT)
              .equalTo(lit(d.key()))
              .and(col(VERSION).equalTo(lit(d.version().toString())));
      plans.add(new SparkAssignment.Keyed(applies, AssignmentPlan.of(d, site)));
    }
    Dataset<Row> decided =
        SparkAssignment.withDecision(
            accepted, plans, col(UNIT_ID), col(ATTRIBUTES), col(Ingest.EVENT_TS), DECISION);
    Column status = col(DECISION + ".status");
    Column category =
        when(status.equalTo(Status.OUTSIDE_WINDOW.code()), lit(Category.OUTSIDE_WINDOW.code()))
            .when(status.equalTo(Status.NOT_ELIGIBLE.code()), lit(Category.NOT_ELIGIBLE.code()))
            .when(status.equalTo(Status.HOLDOUT.code()), lit(Category.HOLDOUT_CONFLICT.code()))
            .when(
                status.equalTo(Status.NOT_IN_NAMESPACE.code()),
                lit(Category.NAMESPACE_CONFLICT.code()))
            .when(status.equalTo(Status.NOT_IN_TRAFFIC.code()), lit(Category.NOT_IN_TRAFFIC.code()))
            .when(col(DECISION + ".arm").equalTo(col(ARM)), lit(Category.MATCH.code()))
            .otherwise(lit(Category.WRONG_ARM.code()));
    return decided
        .withColumn(RECOMPUTED_ARM, col(DECISION + ".arm"))
        .withColumn(CATEGORY, category);
  }
}
