package io.assay.metrics;

import static io.assay.metrics.UnitMetrics.D;
import static io.assay.metrics.UnitMetrics.P;
import static io.assay.metrics.UnitMetrics.Q;
import static io.assay.metrics.UnitMetrics.Y;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.assay.stats.MetricMoments;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The {@code metric_stats} columns that hold a {@link MetricMoments}, declared once: each column's
 * name, the per-unit term it sums, and the component of {@link MetricMoments} it is, in the
 * record's order. The Spark aggregation ({@link #sums}) and the reading back on the driver ({@link
 * #read}, by column name, never by position in the row) both come from this list, so a column
 * added, removed or reordered cannot be misread. {@code MomentColumnsTest} checks the list against
 * the record's components.
 */
public final class MomentColumns {
  /** The unit count. */
  public static final String N = "n";

  /**
   * One summed column: its name and the per-unit term, the product of two roles' values ({@link
   * UnitMetrics#Y} and the others), or one role's value where {@code right} is null.
   */
  record Term(String column, String left, String right) {
    /** The per-unit term, with each role's value from {@code role}. */
    Column perUnit(Function<String, Column> role) {
      Column a = role.apply(left);
      return right == null ? a : a.multiply(role.apply(right));
    }

    /** Whether the term exists for a metric that has the roles {@code has} accepts. */
    boolean uses(Predicate<String> has) {
      return has.test(left) && (right == null || has.test(right));
    }
  }

  /** In the order of {@link MetricMoments}' sum components. */
  static final List<Term> TERMS =
      List.of(
          new Term("sum_y", Y, null),
          new Term("sum_y2", Y, Y),
          new Term("sum_d", D, null),
          new Term("sum_d2", D, D),
          new Term("sum_yd", Y, D),
          new Term("sum_p", P, null),
          new Term("sum_p2", P, P),
          new Term("sum_yp", Y, P),
          new Term("sum_q", Q, null),
          new Term("sum_q2", Q, Q),
          new Term("sum_pq", P, Q),
          new Term("sum_yq", Y, Q),
          new Term("sum_dp", D, P),
          new Term("sum_dq", D, Q));

  private MomentColumns() {}

  /**
   * The columns summed: n and every term, each a column of the same name holding per-unit terms
   * (with n 1 per unit) or partial sums (say per cell) to combine into totals.
   */
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
