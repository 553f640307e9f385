package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Event-level metric tables as piecewise Poisson processes. Within each of a unit's {@link
 * Segments} its rate on a channel is constant ({@link #dailyRate} × the segment's multiplier), so
 * the number of events in the segment is Poisson with mean rate × length ({@link Poisson}, the
 * generator's one UDF) and the events' instants are independent uniforms within the segment.
 *
 * <p>Reads the unit-level rows (enrollments and segments); narrow: two {@code explode}s per channel
 * (segments, then events), no shuffle.
 */
public final class MetricEvents {
  public static final String UNIT_ID = "unit_id";
  public static final String TS = "ts";
  public static final String SESSION_ID = "session_id";
  public static final String ORDER_ID = "order_id";
  public static final String CRASH_ID = "crash_id";
  public static final String STATUS = "status";
  public static final String REVENUE = "revenue";
  public static final String PAGE = "page";
  public static final String PLATFORM = "platform";

  private static final String SEGMENT = "segment";
  private static final String SEGMENT_INDEX = "segment_index";
  private static final String COUNT = "event_count";
  private static final String EVENT_INDEX = "event_index";

  private MetricEvents() {}

  /**
   * The unit's expected events per day on an event channel, before effects: base rate × activity ×
   * platform multiplier (× country multiplier for orders).
   */
  public static Column dailyRate(Channel c) {
    if (!c.hasEvents()) {
      throw new IllegalArgumentException(c + " has no events");
    }
    Column rate =
        lit(WorldModel.BASE_RATE.get(c))
            .multiply(col(Units.ACTIVITY))
            .multiply(
                lookup(
                    col(Units.PLATFORM),
                    WorldModel.PLATFORMS,
                    WorldModel.PLATFORM_MULTIPLIER.get(c)));
    if (c == Channel.ORDERS) {
      rate =
          rate.multiply(
              lookup(
                  col(Units.COUNTRY), WorldModel.COUNTRIES, WorldModel.ORDER_COUNTRY_MULTIPLIER));
    }
    return rate;
  }

  /** μ of the unit's log order value, so that its mean is the country's mean order value. */
  public static Column logOrderValueMean() {
    double s = WorldModel.ORDER_VALUE_SIGMA;
    double[] mu = new double[WorldModel.ORDER_VALUE_MEAN.length];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = Math.log(WorldModel.ORDER_VALUE_MEAN[i]) - s * s / 2;
    }
    return lookup(col(Units.COUNTRY), WorldModel.COUNTRIES, mu);
  }

  /** The unit's expected revenue of one order before effects: the country's mean order value. */
  public static Column meanOrderValue() {
    return lookup(col(Units.COUNTRY), WorldModel.COUNTRIES, WorldModel.ORDER_VALUE_MEAN);
  }

  /**
   * The channel's event rows for unit rows holding the unit's attributes and {@link
   * Segments#SEGMENTS}. Columns per channel: sessions {@code session_id, unit_id, ts, platform};
   * page views {@code unit_id, ts, page}; orders {@code order_id, unit_id, ts, status, revenue};
   * crashes {@code crash_id, unit_id, ts, platform}.
   */
  public static Dataset<Row> events(Dataset<Row> units, Channel c, Draws draws) {
    String name = c.code();
    Column unit = col(Units.UNIT_ID);
    Column segment = col(SEGMENT);
    Column start = segment.getField(Segments.START);
    Column length = segment.getField(Segments.END).minus(start);
    Column mean =
        dailyRate(c)
            .multiply(segment.getField(Segments.multiplier(c)))
            .multiply(length.cast("double").divide(Timeline.DAY_MS));
    Column[] eventKey = {unit, col(SEGMENT_INDEX), col(EVENT_INDEX)};
    Dataset<Row> events =
        units
            .select(
                col(Units.UNIT_ID),
                col(Units.COUNTRY),
                col(Units.PLATFORM),
                col(Units.ACTIVITY),
                posexplode(col(Segments.SEGMENTS)).as(new String[] {SEGMENT_INDEX, SEGMENT}))
            .withColumn(
                COUNT, Poisson.count(mean, draws.hash("count:" + name, unit, col(SEGMENT_INDEX))))
            .filter(col(COUNT).gt(0))
            .withColumn(EVENT_INDEX, explode(sequence(lit(0), col(COUNT).minus(1))))
            .withColumn(
                TS,
                timestamp_millis(
                    start.plus(floor(draws.uniform("time:" + name, eventKey).multiply(length)))));
    return switch (c) {
      case SESSIONS ->
          events.select(
              draws.id("session", eventKey).as(SESSION_ID),
              unit,
              col(TS),
              col(Units.PLATFORM).as(PLATFORM));
      case PAGE_VIEWS ->
          events.select(
              unit,
              col(TS),
              Draws.categorical(
                      draws.uniform("page", eventKey),
                      WorldModel.PAGES,
                      equalShares(WorldModel.PAGES))
                  .as(PAGE));
      case ORDERS ->
          events.select(
              draws.id("order", eventKey).as(ORDER_ID),
              unit,
              col(TS),
              when(
                      draws.uniform("refund", eventKey).lt(WorldModel.REFUNDED_SHARE),
                      lit(WorldModel.REFUNDED))
                  .otherwise(lit(WorldModel.PAID))
                  .as(STATUS),
              exp(logOrderValueMean()
                      .plus(
                          draws
                              .normal("order_value", eventKey)
                              .multiply(WorldModel.ORDER_VALUE_SIGMA)))
                  .multiply(segment.getField(Segments.multiplier(Channel.ORDER_VALUE)))
                  .as(REVENUE));
      case CRASHES ->
          events.select(
              draws.id("crash", eventKey).as(CRASH_ID),
              unit,
              col(TS),
              col(Units.PLATFORM).as(PLATFORM));
      case ORDER_VALUE -> throw new IllegalArgumentException("order_value has no events");
    };
  }

  private static double[] equalShares(List<String> values) {
    double[] s = new double[values.size()];
    java.util.Arrays.fill(s, 1.0 / values.size());
    return s;
  }

  /** {@code values[i]} for the row whose key column equals {@code keys[i]}. */
  static Column lookup(Column key, List<String> keys, double[] values) {
    Column out = when(key.equalTo(keys.get(0)), lit(values[0]));
    for (int i = 1; i < keys.size(); i++) {
      out = out.when(key.equalTo(keys.get(i)), lit(values[i]));
    }
    return out;
  }
}
