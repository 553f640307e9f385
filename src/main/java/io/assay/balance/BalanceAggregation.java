package io.assay.balance;

import static io.assay.io.ExposureLogs.ARM;
import static io.assay.io.ExposureLogs.ATTRIBUTES;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.SOURCE;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.bool_and;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.assay.config.AssayConfig;
import io.assay.config.Condition;
import io.assay.config.ExperimentDefinition;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Everything the balance checks need from {@code enrollments}, in one scan and one action.
 *
 * <p>Reads: {@code enrollments} rows with {@code excluded = false}, {@code enrolled_date ≤ D} and a
 * known experiment version. Each unit is exploded into one row per slice it belongs to — overall,
 * each strata attribute, each configured crossing, its enrollment day, its source — and one row per
 * attribute it carries (covariates); a first aggregation counts units per experiment, version,
 * slice (or attribute value) and arm. On those counts, per attribute: whether every value is a
 * plain number (then only n, Σx, Σx² per arm are kept, weighted by the counts), else how many
 * distinct values it has (beyond {@code balance.max_levels} only the number of values is kept). A
 * second aggregation brings every piece to one shape, which is collected.
 *
 * <p>Cost: one scan of enrollments, two shuffles and one window sort, all on aggregated rows; the
 * driver receives per experiment version a few rows per slice and arm, per numeric covariate and
 * arm, and per categorical level and arm — never units. Cumulative slices are derived on the driver
 * from the daily counts ({@link SrmCheck}).
 */
final class BalanceAggregation {
  /** Columns of {@code enrollments} read here (see docs/schema.md). */
  static final String EXCLUDED = "excluded";

  static final String ENROLLED_DATE = "enrolled_date";
  static final String STRATA = "strata";

  // The collected shape.
  static final String KIND = "kind";
  static final String SLICE_TYPE = "slice_type";
  static final String SLICE_KEY = "slice_key";
  static final String SLICE_VALUE = "slice_value";
  static final String UNITS = "units";
  static final String SUM = "sum";
  static final String SUM_SQUARES = "sum_squares";
  static final String LEVELS = "levels";

  // Kinds of collected rows.
  static final String SLICE = "slice";
  static final String NUMERIC = "numeric";
  static final String LEVEL = "level";
  static final String TOO_MANY_LEVELS = "too_many_levels";

  /** The slice type of per-attribute rows before they are split by kind; never output. */
  private static final String ATTRIBUTE = "attribute";

  private static final String NUMERIC_ATTRIBUTE = "numeric_attribute";
  private static final StructType SLICE_STRUCT =
      StructType.fromDDL("type STRING, key STRING, value STRING");
  private static final String RANK = "level_rank";

  private BalanceAggregation() {}

  /** The one-pass plan over enrollments; {@link #collect} runs it. */
  static Dataset<Row> plan(
      Dataset<Row> enrollments,
      List<ExperimentDefinition> defs,
      AssayConfig.Balance settings,
      LocalDate asOf) {
    Column known = lit(false);
    Column slices = lit(null);
    for (ExperimentDefinition d : defs) {
      Column isD =
          col(EXPERIMENT).equalTo(d.key()).and(col(VERSION).equalTo(d.version().toString()));
      known = known.or(isD);
      slices = when(isD, slicesOf(d, settings)).otherwise(slices);
    }
    Dataset<Row> counts =
        enrollments
            .filter(
                not(col(EXCLUDED))
                    .and(col(ENROLLED_DATE).leq(lit(Date.valueOf(asOf))))
                    .and(col(ARM).isNotNull())
                    .and(known))
            .select(col(EXPERIMENT), col(VERSION), col(ARM), explode(slices).as("s"))
            .groupBy(
                col(EXPERIMENT),
                col(VERSION),
                col("s.type").as(SLICE_TYPE),
                col("s.key").as(SLICE_KEY),
                col("s.value").as(SLICE_VALUE),
                col(ARM))
            .agg(count(lit(1)).as(UNITS));

    // Per attribute, over its (value, arm) counts: how many distinct values, and whether all are
    // numbers — windows rather than a join back, so the counts are not read twice. Slice rows pass
    // through the same windows; their results are not used.
    WindowSpec perAttribute = Window.partitionBy(EXPERIMENT, VERSION, SLICE_TYPE, SLICE_KEY);
    Column isAttribute = col(SLICE_TYPE).equalTo(ATTRIBUTE);
    Column kind =
        when(not(isAttribute), lit(SLICE))
            .when(col(NUMERIC_ATTRIBUTE), lit(NUMERIC))
            .when(col(LEVELS).leq(settings.maxLevels()), lit(LEVEL))
            .otherwise(lit(TOO_MANY_LEVELS));
    Column x = col(SLICE_VALUE).try_cast(DataTypes.DoubleType);
    Column numeric = col(KIND).equalTo(NUMERIC);
    return counts
        .withColumn(RANK, dense_rank().over(perAttribute.orderBy(SLICE_VALUE)))
        .withColumn(LEVELS, max(RANK).over(perAttribute))
        .withColumn(
            NUMERIC_ATTRIBUTE,
            bool_and(col(SLICE_VALUE).rlike(Condition.NUMBER)).over(perAttribute))
        .withColumn(KIND, kind)
        .groupBy(
            col(KIND),
            col(EXPERIMENT),
            col(VERSION),
            col(SLICE_TYPE),
            col(SLICE_KEY),
            when(col(KIND).isin(SLICE, LEVEL), col(SLICE_VALUE)).as(SLICE_VALUE),
            col(ARM))
        .agg(
            sum(UNITS).as(UNITS),
            sum(when(numeric, col(UNITS).multiply(x))).as(SUM),
            sum(when(numeric, col(UNITS).multiply(x).multiply(x))).as(SUM_SQUARES),
            max(LEVELS).as(LEVELS));
  }

  /** Runs the plan (one action) and sorts its rows by experiment version ({@code key@version}). */
  static Map<String, BalanceCounts> collect(Dataset<Row> plan) {
    Map<String, Builder> out = new TreeMap<>();
    for (Row r : plan.collectAsList()) {
      Builder b =
          out.computeIfAbsent(r.getAs(EXPERIMENT) + "@" + r.getAs(VERSION), k -> new Builder());
      String key = r.getAs(SLICE_KEY);
      String arm = r.getAs(ARM);
      long units = r.<Long>getAs(UNITS);
      switch (r.<String>getAs(KIND)) {
        case SLICE ->
            b.slices
                .computeIfAbsent(
                    new Slice(SliceType.of(r.getAs(SLICE_TYPE)), key, r.getAs(SLICE_VALUE)),
                    k -> new LinkedHashMap<>())
                .put(arm, units);
        case NUMERIC ->
            b.numeric
                .computeIfAbsent(key, k -> new HashMap<>())
                .put(
                    arm,
                    new BalanceCounts.Sums(
                        units, r.<Double>getAs(SUM), r.<Double>getAs(SUM_SQUARES)));
        case LEVEL ->
            b.levels
                .computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(r.getAs(SLICE_VALUE), k -> new HashMap<>())
                .put(arm, units);
        case TOO_MANY_LEVELS -> {
          b.wideLevels.put(key, r.<Integer>getAs(LEVELS));
          b.wideUnits.computeIfAbsent(key, k -> new HashMap<>()).put(arm, units);
        }
        default -> throw new IllegalStateException("unknown row kind " + r.getAs(KIND));
      }
    }
    Map<String, BalanceCounts> result = new LinkedHashMap<>();
    out.forEach((id, b) -> result.put(id, b.build()));
    return result;
  }

  /** The slices one unit of {@code d} belongs to, plus one entry per attribute it carries. */
  private static Column slicesOf(ExperimentDefinition d, AssayConfig.Balance settings) {
    List<Column> fixed = new ArrayList<>();
    fixed.add(slice(SliceType.OVERALL.code, lit(null), lit(null)));
    for (String s : d.strata()) {
      fixed.add(slice(SliceType.STRATUM.code, lit(s), stratum(s)));
    }
    for (List<String> crossing : settings.crossingsFor(d.strata())) {
      Column allPresent = lit(true);
      List<Column> values = new ArrayList<>();
      for (String s : crossing) {
        allPresent = allPresent.and(stratum(s).isNotNull());
        values.add(stratum(s));
      }
      fixed.add(
          slice(
              SliceType.CROSSED_STRATUM.code,
              lit(String.join(",", crossing)),
              when(allPresent, concat_ws(",", values.toArray(Column[]::new)))));
    }
    fixed.add(slice(SliceType.DAY.code, lit(null), col(ENROLLED_DATE).cast(DataTypes.StringType)));
    fixed.add(slice(SliceType.SOURCE.code, lit(null), col(SOURCE)));
    Column attributes =
        transform(
            filter(map_entries(col(ATTRIBUTES)), e -> e.getField("value").isNotNull()),
            e -> slice(ATTRIBUTE, e.getField("key"), e.getField("value")));
    // A unit without attributes still belongs to its slices.
    return concat(
        array(fixed.toArray(Column[]::new)),
        coalesce(attributes, array().cast(DataTypes.createArrayType(SLICE_STRUCT))));
  }

  private static Column stratum(String attribute) {
    return try_element_at(col(STRATA), lit(attribute));
  }

  private static Column slice(String type, Column key, Column value) {
    return struct(
        lit(type).as("type"),
        key.cast(DataTypes.StringType).as("key"),
        value.cast(DataTypes.StringType).as("value"));
  }

  /** Mutable accumulation of one experiment version's rows. */
  private static final class Builder {
    final Map<Slice, Map<String, Long>> slices = new LinkedHashMap<>();
    final Map<String, Map<String, BalanceCounts.Sums>> numeric = new TreeMap<>();
    final Map<String, Map<String, Map<String, Long>>> levels = new TreeMap<>();
    final Map<String, Integer> wideLevels = new TreeMap<>();
    final Map<String, Map<String, Long>> wideUnits = new TreeMap<>();

    BalanceCounts build() {
      Map<String, BalanceCounts.Wide> wide = new TreeMap<>();
      wideLevels.forEach((k, n) -> wide.put(k, new BalanceCounts.Wide(n, wideUnits.get(k))));
      return new BalanceCounts(slices, numeric, levels, wide);
    }
  }
}
