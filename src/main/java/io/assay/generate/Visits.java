package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.timestamp_millis;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * When units come: a unit first visits on its arrival day (uniform over the exposure days) and
 * returns on each later day with its own revisit probability (busier units return more often). A
 * visit happens at a uniformly drawn millisecond of its day; at each visit the online system
 * decides every experiment.
 *
 * <p>Narrow: one {@code explode} of the days from arrival on, then a filter; no shuffle.
 */
public final class Visits {
  /** Day index of the visit, 0 = {@link Timeline#t0()}. */
  public static final String DAY = "visit_day";

  /** The visit's instant (UTC, millisecond precision). */
  public static final String TS = "ts";

  private Visits() {}

  /** One row per unit and visit day: the unit's columns plus {@link #DAY} and {@link #TS}. */
  public static Dataset<Row> visits(
      Dataset<Row> units, WorldSpec spec, Timeline timeline, Draws draws) {
    Column unit = col(Units.UNIT_ID);
    Column day = col(DAY);
    // Explode every candidate day, then filter with a plain (code-generated) predicate: cheaper
    // than a lambda over the days, which Spark evaluates interpreted.
    Column visited =
        day.equalTo(col(Units.ARRIVAL_DAY))
            .or(draws.uniform("revisit", unit, day).lt(col(Units.REVISIT)));
    Column instant =
        lit(timeline.t0().toEpochMilli())
            .plus(col(DAY).cast("long").multiply(Timeline.DAY_MS))
            .plus(floor(draws.uniform("visit_time", unit, col(DAY)).multiply(Timeline.DAY_MS)));
    return units
        .withColumn(DAY, explode(sequence(col(Units.ARRIVAL_DAY), lit(spec.days() - 1))))
        .filter(visited)
        .withColumn(TS, timestamp_millis(instant));
  }
}
