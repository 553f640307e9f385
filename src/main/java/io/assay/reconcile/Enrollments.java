package io.assay.reconcile;

import static io.assay.io.ExposureLogs.ARM;
import static io.assay.io.ExposureLogs.ATTRIBUTES;
import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.EVENT_ID;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.SOURCE;
import static io.assay.io.ExposureLogs.UNIT_ID;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.config.ExperimentDefinition;
import io.assay.io.Category;
import io.assay.io.Pseudonyms;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Enrollments: one row per experiment × version × unit, built from a per-unit running state.
 *
 * <p>{@link #days} reduces a run's accepted exposures to {@code enrollment_days}: one row per
 * experiment, version, unit, log partition and logged arm, holding that slice's first exposure,
 * first assigned exposure and counts. The table is replaced per date like every other output, so
 * reruns are idempotent. {@link #fromDays} then folds all days into {@code enrollments}: the
 * earliest exposure wins (a late event moves a unit's first exposure earlier), the arm is the
 * recomputed arm at the first exposure the definition assigns, and a unit whose exposures name more
 * than one arm is flagged and, under the {@code exclude} policy, excluded.
 *
 * <p>Ties are broken by data, never by row order, so a rerun or an incremental night gives the same
 * rows as a full recompute: exposures at the same instant are ordered by {@code event_id} within a
 * day's slice, and slices whose first exposures coincide (a unit logged in two arms at once) by
 * logged arm name, then date.
 *
 * <p>Unit ids are replaced by their keyed pseudonym when the state is written. Cost: one
 * aggregation (shuffle) per step; no collect.
 */
public final class Enrollments {
  private static final String SORT_KEY = "_unit_hash";

  private Enrollments() {}

  private static Column assigned() {
    return col(Recompute.CATEGORY).isin(Category.MATCH.code(), Category.WRONG_ARM.code());
  }

  /**
   * A leading grouping key for the sort-based aggregations below ({@code min_by} over structs that
   * carry the attributes map cannot be hash-aggregated): a 64-bit hash of the unit. Spark sorts by
   * the grouping keys in order and compares an 8-byte prefix first; led by the experiment name (the
   * same in every row of a task) the prefix never decides and every comparison walks the strings,
   * led by this hash nearly every comparison is decided by the prefix. It is a function of the
   * unit, so it changes no group.
   */
  private static Column sortKey(Column unit) {
    return xxhash64(unit).as(SORT_KEY);
  }

  /** Per-unit-day state from classified accepted exposures. */
  public static Dataset<Row> days(Dataset<Row> classified, Optional<String> key) {
    Column ts = col(Ingest.EVENT_TS);
    // Exposures at the same instant are ordered by event id, so the first is one row whatever
    // order the rows arrive in.
    Column order = struct(ts, col(EVENT_ID));
    Column first =
        struct(
            ts.as("ts"),
            col(Recompute.CATEGORY).as("category"),
            col(ATTRIBUTES).as("attributes"),
            col(SOURCE).as("source"));
    Column firstAssigned =
        struct(
            ts.as("ts"),
            col(Recompute.RECOMPUTED_ARM).as("arm"),
            col(ATTRIBUTES).as("attributes"),
            col(SOURCE).as("source"));
    // Shuffled by unit before the aggregation, so it sorts its rows once: a unit-day has one or
    // two exposures, and a partial aggregation before the shuffle would sort every row only to
    // merge almost nothing.
    return classified
        .repartition(col(UNIT_ID))
        .groupBy(
            sortKey(col(UNIT_ID)),
            col(EXPERIMENT),
            col(VERSION),
            col(UNIT_ID),
            col(DATE),
            col(ARM).as("logged_arm"))
        .agg(
            min(ts).as("first_ts"),
            count(lit(1)).as("exposures"),
            sum(when(col(Recompute.CATEGORY).equalTo(Category.MATCH.code()), 0).otherwise(1))
                .as("mismatched_exposures"),
            min_by(first, order).as("first"),
            min_by(when(assigned(), firstAssigned), when(assigned(), order)).as("first_assigned"))
        .withColumn("unit_key", Pseudonyms.unitKey(col(UNIT_ID), key))
        .drop(UNIT_ID, SORT_KEY);
  }

  /**
   * Folds {@code enrollment_days} rows into {@code enrollments}, all of a unit's rows in one
   * aggregation. The unit's second arm appears at the earliest exposure logged in an arm other than
   * its first logged arm ({@code multiple_arms_since}): that is the second-earliest of the arms'
   * first exposures, without grouping by arm first.
   */
  public static Dataset<Row> fromDays(
      Dataset<Row> days, List<ExperimentDefinition> definitions, String multiArmPolicy) {
    // A unit's day rows are unique by (date, logged arm): ties in time (two arms logged at the
    // same instant) go to the first arm by name, then the first date, whatever the row order.
    Column earliest = struct(col("first_ts"), col("logged_arm"), col(DATE));
    Column earliestAssigned =
        when(
            col("first_assigned").isNotNull(),
            struct(col("first_assigned.ts"), col("logged_arm"), col(DATE)));
    Dataset<Row> units =
        days.repartition(col("unit_key"))
            .groupBy(sortKey(col("unit_key")), col(EXPERIMENT), col(VERSION), col("unit_key"))
            .agg(
                min("first_ts").as("first_exposure_ts"),
                min_by(col("logged_arm"), earliest).as("first_logged_arm"),
                min_by(col("first"), earliest).as("first"),
                min_by(col("first_assigned"), earliestAssigned).as("assigned"),
                array_sort(collect_set(col("logged_arm"))).as("logged_arms"),
                collect_list(struct(col("logged_arm"), col("first_ts"))).as("arm_days"),
                sum("exposures").as("exposures"),
                sum("mismatched_exposures").as("mismatched_exposures"))
            .withColumn(
                "multiple_arms_since",
                array_min(
                    transform(
                        filter(
                            col("arm_days"),
                            d -> d.getField("logged_arm").notEqual(col("first_logged_arm"))),
                        d -> d.getField("first_ts"))));
    Column multiple = size(col("logged_arms")).gt(1);
    Column attributes =
        when(col("assigned").isNotNull(), col("assigned.attributes"))
            .otherwise(col("first.attributes"));
    Column excluded =
        when(col("assigned").isNull(), lit("not_assigned"))
            .when(multiple.and(lit(multiArmPolicy.equals("exclude"))), lit("multiple_arms"));
    return units.select(
        col(EXPERIMENT),
        col(VERSION),
        col("unit_key"),
        col("first_exposure_ts"),
        to_date(col("first_exposure_ts")).as("first_exposure_date"),
        col("first.category").as("first_category"),
        col("first_logged_arm"),
        col("assigned.ts").as("enrolled_ts"),
        to_date(col("assigned.ts")).as("enrolled_date"),
        col("assigned.arm").as("arm"),
        col("logged_arms"),
        multiple.as("multiple_arms"),
        when(multiple, col("multiple_arms_since")).as("multiple_arms_since"),
        col("exposures"),
        col("mismatched_exposures"),
        excluded.isNotNull().as("excluded"),
        excluded.as("exclusion_reason"),
        lit(multiArmPolicy).as("multi_arm_policy"),
        strata(definitions, attributes).as("strata"),
        attributes.as("attributes"),
        when(col("assigned").isNotNull(), col("assigned.source"))
            .otherwise(col("first.source"))
            .as("source"));
  }

  /** The experiment's strata attributes out of all attributes (a CASE over definitions). */
  private static Column strata(List<ExperimentDefinition> definitions, Column attributes) {
    Column out =
        lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    for (ExperimentDefinition d : definitions) {
      Object[] names = d.strata().toArray();
      out =
          when(
                  col(EXPERIMENT)
                      .equalTo(d.key())
                      .and(col(VERSION).equalTo(d.version().toString())),
                  map_filter(attributes, (k, v) -> k.isin(names)))
              .otherwise(out);
    }
    return out;
  }
}
