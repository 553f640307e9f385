package io.assay.metrics;

import static io.assay.metrics.UnitMetrics.D;
import static io.assay.metrics.UnitMetrics.P;
import static io.assay.metrics.UnitMetrics.Q;
import static io.assay.metrics.UnitMetrics.Y;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.assay.stats.MetricMoments;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The {@code metric_stats} columns that hold a {@link MetricMoments}, declared once: each column's
 * name, the per-unit term it sums, and the component of {@link MetricMoments} it is, in the
 * record's order. The Spark aggregation ({@link #aggregates}) and the reading back on the driver
 * ({@link #read}, by column name, never by position in the row) both come from this list, so a
 * column added, removed or reordered cannot be misread. {@code MomentColumnsTest} checks the list
 * against the record's components.
 */
public final class MomentColumns {
  /** The unit count. */
  public static final String N = "n";

  /** One summed column: its name and the per-unit term. */
  record Term(String column, Column perUnit) {}

  /** In the order of {@link MetricMoments}' sum components. */
  static final List<Term> TERMS =
      List.of(
          new Term("sum_y", col(Y)),
          new Term("sum_y2", col(Y).multiply(col(Y))),
          new Term("sum_d", col(D)),
          new Term("sum_d2", col(D).multiply(col(D))),
          new Term("sum_yd", col(Y).multiply(col(D))),
          new Term("sum_p", col(P)),
          new Term("sum_p2", col(P).multiply(col(P))),
          new Term("sum_yp", col(Y).multiply(col(P))),
          new Term("sum_q", col(Q)),
          new Term("sum_q2", col(Q).multiply(col(Q))),
          new Term("sum_pq", col(P).multiply(col(Q))),
          new Term("sum_yq", col(Y).multiply(col(Q))),
          new Term("sum_dp", col(D).multiply(col(P))),
          new Term("sum_dq", col(D).multiply(col(Q))));

  private MomentColumns() {}

  /** The aggregations over per-unit values ({@link UnitMetrics}' y, d, p): n and every sum. */
  public static List<Column> aggregates() {
    List<Column> out = new ArrayList<>();
    out.add(count(lit(1)).as(N));
    for (Term t : TERMS) {
      out.add(sum(t.perUnit()).as(t.column()));
    }
    return out;
  }

  /** The same columns summed again: partial results (say per cell) combined into totals. */
  public static List<Column> sums() {
    List<Column> out = new ArrayList<>();
    out.add(sum(col(N)).as(N));
    for (Term t : TERMS) {
      out.add(sum(col(t.column())).as(t.column()));
    }
    return out;
  }

  /** The moments in an aggregated row (a sum that is null, as for an unused variable, is 0). */
  public static MetricMoments read(Row r) {
    double[] s = new double[TERMS.size()];
    for (int i = 0; i < s.length; i++) {
      int at = r.fieldIndex(TERMS.get(i).column());
      s[i] = r.isNullAt(at) ? 0.0 : r.getDouble(at);
    }
    return new MetricMoments(
        r.getLong(r.fieldIndex(N)),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
        s[5],
        s[6],
        s[7],
        s[8],
        s[9],
        s[10],
        s[11],
        s[12],
        s[13]);
  }
}
