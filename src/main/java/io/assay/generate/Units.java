package io.assay.generate;

import static io.assay.generate.WorldModel.ACCOUNT_AGE_MEAN_DAYS;
import static io.assay.generate.WorldModel.ACTIVITY_SIGMA;
import static io.assay.generate.WorldModel.BETA_NAV_SHARE;
import static io.assay.generate.WorldModel.COUNTRIES;
import static io.assay.generate.WorldModel.COUNTRY_SHARES;
import static io.assay.generate.WorldModel.DARK_MODE_SHARE;
import static io.assay.generate.WorldModel.NEW_ACCOUNT_SHARE;
import static io.assay.generate.WorldModel.PLATFORMS;
import static io.assay.generate.WorldModel.PLATFORM_SHARES;
import static io.assay.generate.WorldModel.REVISIT_MAX;
import static io.assay.generate.WorldModel.REVISIT_SCALE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The world's units and their attributes, all drawn from hashes of the unit's index (see {@link
 * Draws}), so any stage can recompute them from {@link #IDX} instead of joining.
 *
 * <p>Reads nothing; {@link #units} is {@code spark.range} in {@link WorldSpec#slices()} slices of
 * consecutive indices. Every later stage is narrow on these slices (no shuffle), so each output
 * file holds the rows of one slice of units.
 */
public final class Units {
  public static final String IDX = "unit_idx";
  public static final String UNIT_ID = "unit_id";
  public static final String COUNTRY = "country";
  public static final String PLATFORM = "platform";
  public static final String ACCOUNT_AGE = "account_age_days";
  public static final String ACTIVITY = "activity";
  public static final String REVISIT = "revisit_probability";
  public static final String ARRIVAL_DAY = "arrival_day";
  public static final String FLAGS = "flags";

  /** The attributes as the online system sees them: {@code map<string,string>}. */
  public static final String ATTRIBUTES = "attributes";

  private static final String COUNTRY_DRAW = "country_draw";
  private static final String PLATFORM_DRAW = "platform_draw";
  private static final String FLAGS_DRAW = "flags_draw";

  private Units() {}

  /** One row per unit index, in slices of consecutive indices. */
  public static Dataset<Row> indices(SparkSession spark, WorldSpec spec) {
    return spark.range(0, spec.units(), 1, spec.slices()).withColumnRenamed("id", IDX);
  }

  /** {@link #indices} with every attribute. */
  public static Dataset<Row> units(SparkSession spark, WorldSpec spec, Draws draws) {
    return withAttributes(indices(spark, spec), spec, draws);
  }

  /** Adds the unit id and every attribute to rows holding {@link #IDX}. */
  public static Dataset<Row> withAttributes(Dataset<Row> rows, WorldSpec spec, Draws draws) {
    Column unit = col(UNIT_ID);
    Column activity =
        exp(
            draws
                .normal("activity", unit)
                .multiply(ACTIVITY_SIGMA)
                .minus(ACTIVITY_SIGMA * ACTIVITY_SIGMA / 2));
    Column age =
        when(draws.uniform("account_new", unit).lt(NEW_ACCOUNT_SHARE), lit(0))
            .otherwise(
                floor(
                        log(lit(1.0).minus(draws.uniform("account_age", unit)))
                            .multiply(-ACCOUNT_AGE_MEAN_DAYS))
                    .plus(1)
                    .cast(DataTypes.IntegerType));
    Column flagDraw = col(FLAGS_DRAW);
    Column flags =
        when(flagDraw.lt(DARK_MODE_SHARE), array(lit("dark_mode")))
            .when(
                flagDraw.lt(DARK_MODE_SHARE + BETA_NAV_SHARE),
                array(lit("dark_mode"), lit("beta_nav")));
    // Draws used by several branches of a CASE are columns of their own, computed once.
    return rows.withColumn(
            UNIT_ID,
            concat(lit("u"), lpad(col(IDX).cast(DataTypes.StringType), spec.idWidth(), "0")))
        .withColumn(COUNTRY_DRAW, draws.uniform("country", unit))
        .withColumn(PLATFORM_DRAW, draws.uniform("platform", unit))
        .withColumn(FLAGS_DRAW, draws.uniform("flags", unit))
        .withColumn(COUNTRY, Draws.categorical(col(COUNTRY_DRAW), COUNTRIES, COUNTRY_SHARES))
        .withColumn(PLATFORM, Draws.categorical(col(PLATFORM_DRAW), PLATFORMS, PLATFORM_SHARES))
        .withColumn(ACCOUNT_AGE, age)
        .withColumn(ACTIVITY, activity)
        .withColumn(REVISIT, least(lit(REVISIT_MAX), col(ACTIVITY).multiply(REVISIT_SCALE)))
        .withColumn(
            ARRIVAL_DAY,
            floor(draws.uniform("arrival", unit).multiply(spec.days())).cast(DataTypes.IntegerType))
        .withColumn(FLAGS, flags)
        .withColumn(
            ATTRIBUTES,
            map(
                lit(COUNTRY),
                col(COUNTRY),
                lit(PLATFORM),
                col(PLATFORM),
                lit(ACCOUNT_AGE),
                col(ACCOUNT_AGE).cast(DataTypes.StringType)))
        .drop(COUNTRY_DRAW, PLATFORM_DRAW, FLAGS_DRAW);
  }

  /** The population table for batch assignment: the unit id and its attribute columns. */
  public static Dataset<Row> population(Dataset<Row> units) {
    return units.select(UNIT_ID, COUNTRY, PLATFORM, ACCOUNT_AGE);
  }
}
