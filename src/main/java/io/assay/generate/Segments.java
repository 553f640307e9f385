package io.assay.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A unit's rate multipliers over time, as a piecewise-constant function: the metric timeline is cut
 * at the unit's enrollment instants (so at most one more segment than served experiments), and
 * segment {@code r} carries, per channel, the product of {@code 1 + e} over the arms the unit was
 * served in its first {@code r} enrollments.
 *
 * <p>Segment fields: {@link #START} and {@link #END} (epoch milliseconds, half-open) and one
 * multiplier per channel ({@link #multiplier(Channel)}). Built from plain column expressions,
 * unrolled over the (few) enrollment slots: Spark evaluates lambdas of higher-order functions
 * without code generation, which made the same computation several times slower.
 */
public final class Segments {
  /** {@code array<struct<start_ms, end_ms, m_sessions, …, m_order_value>>}. */
  public static final String SEGMENTS = "segments";

  public static final String START = "start_ms";
  public static final String END = "end_ms";

  private Segments() {}

  /** The name of a segment's multiplier field for a channel, e.g. {@code m_orders}. */
  public static String multiplier(Channel c) {
    return "m_" + c.code();
  }

  /**
   * Adds {@link #SEGMENTS} to rows holding {@link Enrollment#ENROLLMENTS} (sorted by time, at most
   * {@code slots} entries).
   */
  public static Dataset<Row> withSegments(
      Dataset<Row> units, int slots, Timeline timeline, Effects effects) {
    Column enrollments = col(Enrollment.ENROLLMENTS);
    Channel[] channels = Channel.values();
    // The factor each enrollment slot applies (1 for an empty slot), one column per slot × channel.
    Dataset<Row> rows = units;
    for (int q = 0; q < slots; q++) {
      Column e = get(enrollments, lit(q));
      for (Channel c : channels) {
        rows =
            rows.withColumn(
                factor(q, c),
                effects.multiplier(
                    e.getField(Enrollment.EXPERIMENT), e.getField(Enrollment.ARM), c));
      }
    }
    Column n = size(enrollments);
    List<Column> segments = new ArrayList<>();
    for (int r = 0; r <= slots; r++) {
      List<Column> fields = new ArrayList<>();
      fields.add(
          (r == 0
                  ? lit(timeline.metricsFrom().toEpochMilli())
                  : unix_millis(get(enrollments, lit(r - 1)).getField(Enrollment.TS)))
              .as(START));
      fields.add(
          coalesce(
                  unix_millis(get(enrollments, lit(r)).getField(Enrollment.TS)),
                  lit(timeline.metricsTo().toEpochMilli()))
              .as(END));
      for (Channel c : channels) {
        Column product = lit(1.0);
        for (int q = 0; q < r; q++) {
          product = product.multiply(col(factor(q, c)));
        }
        fields.add(product.as(multiplier(c)));
      }
      segments.add(when(n.geq(r), struct(fields.toArray(Column[]::new))));
    }
    // Slots past the unit's enrollments are null and come last: slice them off.
    Dataset<Row> out =
        rows.withColumn(SEGMENTS, slice(array(segments.toArray(Column[]::new)), lit(1), n.plus(1)));
    for (int q = 0; q < slots; q++) {
      for (Channel c : channels) {
        out = out.drop(factor(q, c));
      }
    }
    return out;
  }

  private static String factor(int q, Channel c) {
    return "segment_factor_" + q + "_" + c.code();
  }
}
