package io.assay.batch;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.assignment.BlockDesign;
import io.assay.assignment.NativeHash;
import io.assay.config.ExperimentDefinition;
import io.assay.io.InputProblem;
import io.assay.reconcile.SparkAssignment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * Stratified batch assignment of a known population (e.g. an e-mail campaign) in permuted blocks,
 * the Spark evaluation of {@link BlockDesign}. Every input row ends in exactly one status: {@code
 * assigned}, {@code not_eligible}, {@code duplicate} (a repeated unit id; one row per unit is kept)
 * or {@code invalid_unit} (null or empty id).
 *
 * <p>Reads: the population once. Cost: one shuffle for the duplicate check and one for the
 * per-stratum ordering ({@code row_number} over the stratum); each row then computes B slot keys to
 * rank its slot (built-ins only: {@code xxhash64} inside {@code aggregate}). Nothing is collected.
 */
public final class StratifiedAssignment {
  public static final String STATUS_ASSIGNED = "assigned";
  public static final String STATUS_NOT_ELIGIBLE = "not_eligible";
  public static final String STATUS_DUPLICATE = "duplicate";
  public static final String STATUS_INVALID_UNIT = "invalid_unit";

  private StratifiedAssignment() {}

  /**
   * Assigns the population.
   *
   * @param population rows with a unit id column and, for each stratum and eligibility attribute,
   *     either a top-level column of that name or an entry in a {@code map<string,string>} column
   *     named {@code attributes}
   * @param source shown in error messages (the population's path)
   * @return {@code experiment, version, unit_id, status, arm, stratum, block, slot}
   */
  public static Dataset<Row> assign(
      Dataset<Row> population, ExperimentDefinition d, String unitColumn, String source) {
    List<String> fields = Arrays.asList(population.columns());
    if (!fields.contains(unitColumn)) {
      throw new InputProblem(
          source,
          "no unit id column '" + unitColumn + "' (columns: " + fields + "); pass --unit-column");
    }
    boolean hasMap =
        Arrays.stream(population.schema().fields())
            .anyMatch(f -> f.name().equals("attributes") && f.dataType() instanceof MapType);
    Set<String> needed = new LinkedHashSet<>(d.strata());
    d.eligibility().collectAttributes(needed);
    List<Column> mapEntries = new ArrayList<>();
    for (String a : needed) {
      mapEntries.add(lit(a));
      mapEntries.add(attribute(population, a, hasMap, source));
    }
    Column attrs = mapEntries.isEmpty() ? map() : map(mapEntries.toArray(Column[]::new));

    Dataset<Row> rows =
        population
            .select(
                col(unitColumn).cast(DataTypes.StringType).as("unit_id"),
                attrs.as("attrs"),
                to_json(attrs).as("row_key"))
            .withColumn("stratum", stratumKey(d.strata(), col("attrs")));

    // One row per unit id; the kept row is the one with the smallest attribute JSON
    // (deterministic).
    Column validUnit = col("unit_id").isNotNull().and(col("unit_id").notEqual(lit("")));
    Dataset<Row> ranked =
        rows.withColumn(
            "dup_rank",
            when(
                validUnit,
                row_number()
                    .over(
                        Window.partitionBy(col("unit_id"))
                            .orderBy(col("row_key"), col("stratum")))));
    Column eligible = SparkAssignment.eligible(d.eligibility(), col("attrs"));
    Column status =
        when(col("unit_id").isNull().or(col("unit_id").equalTo(lit(""))), lit(STATUS_INVALID_UNIT))
            .when(col("dup_rank").gt(1), lit(STATUS_DUPLICATE))
            .when(eligible, lit(STATUS_ASSIGNED))
            .otherwise(lit(STATUS_NOT_ELIGIBLE));
    Dataset<Row> withStatus = ranked.withColumn("status", status);

    double[] weights = d.weights();
    int b = BlockDesign.blockSize(weights);
    int[] pattern = BlockDesign.pattern(weights, b);
    String salt = d.salt();

    Dataset<Row> assignable = withStatus.filter(col("status").equalTo(lit(STATUS_ASSIGNED)));
    Column order = xxhash64(concat(lit(salt + NativeHash.SEPARATOR), col("unit_id")));
    Dataset<Row> numbered =
        assignable
            .withColumn(
                "rn",
                row_number()
                    .over(Window.partitionBy(col("stratum")).orderBy(order, col("unit_id")))
                    .minus(1))
            .withColumn("block", col("rn").divide(lit(b)).cast(DataTypes.LongType))
            .withColumn("slot", col("rn").mod(lit(b)).cast(DataTypes.IntegerType));
    Column myKey = slotKey(salt, col("stratum"), col("block"), col("slot"));
    Column rank =
        aggregate(
            sequence(lit(0), lit(b - 1)),
            lit(0),
            (acc, s) -> {
              Column ks = slotKey(salt, col("stratum"), col("block"), s);
              return acc.plus(
                  when(ks.lt(myKey).or(ks.equalTo(myKey).and(s.lt(col("slot")))), lit(1))
                      .otherwise(lit(0)));
            });
    Column armKeys = arrayOf(Arrays.stream(pattern).mapToObj(i -> d.arms().get(i).key()).toList());
    Dataset<Row> assigned =
        numbered
            .withColumn("arm", element_at(armKeys, rank.plus(1)))
            .select("unit_id", "status", "arm", "stratum", "block", "slot");

    Dataset<Row> others =
        withStatus
            .filter(col("status").notEqual(lit(STATUS_ASSIGNED)))
            .select(
                col("unit_id"),
                col("status"),
                lit(null).cast(DataTypes.StringType).as("arm"),
                col("stratum"),
                lit(null).cast(DataTypes.LongType).as("block"),
                lit(null).cast(DataTypes.IntegerType).as("slot"));
    return assigned
        .unionByName(others)
        .select(
            lit(d.key()).as("experiment"),
            lit(d.version().toString()).as("version"),
            col("unit_id"),
            col("status"),
            col("arm"),
            col("stratum"),
            col("block"),
            col("slot"));
  }

  /** Arm counts per stratum and status: the small summary the CLI prints and tests check. */
  public static Dataset<Row> summary(Dataset<Row> assigned) {
    return assigned
        .groupBy("stratum", "status", "arm")
        .agg(count(lit(1)).as("units"))
        .orderBy("stratum", "status", "arm");
  }

  /** {@code name1=value1|name2=value2}, with {@code (null)} for a missing value; "all" if none. */
  public static Column stratumKey(List<String> strata, Column attrs) {
    if (strata.isEmpty()) {
      return lit("all");
    }
    List<Column> parts = new ArrayList<>();
    for (String s : strata) {
      parts.add(concat(lit(s + "="), coalesce(try_element_at(attrs, lit(s)), lit("(null)"))));
    }
    return concat_ws("|", parts.toArray(Column[]::new));
  }

  /** The same string as {@link BlockDesign#slotKey}, hashed by Spark's xxhash64 (seed 42). */
  private static Column slotKey(String salt, Column stratum, Column block, Column slot) {
    return xxhash64(
        concat(
            lit(salt + ":block:"),
            stratum,
            lit(":"),
            block.cast(DataTypes.StringType),
            lit(":"),
            slot.cast(DataTypes.StringType)));
  }

  private static Column attribute(Dataset<Row> pop, String name, boolean hasMap, String source) {
    for (StructField f : pop.schema().fields()) {
      if (f.name().equals(name)) {
        return col(name).cast(DataTypes.StringType);
      }
    }
    if (hasMap) {
      return try_element_at(col("attributes"), lit(name));
    }
    throw new InputProblem(
        source,
        "attribute '"
            + name
            + "' (a stratum or eligibility attribute) is neither a column nor in an 'attributes'"
            + " map column; add it to the population");
  }

  private static Column arrayOf(List<String> values) {
    return org.apache.spark.sql.functions.array(
        values.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new));
  }
}
