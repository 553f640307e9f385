package io.assay.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.udaf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * The sums of a cell's units, every metric at once: one aggregation of the unit rows ({@link
 * UnitValues}) into, per cell, each part's Σv and Σv² and, per metric, the cross products its terms
 * need ({@link MomentColumns#TERMS}), the parts' unusable rows, and the units counted. Each unit
 * row is read once and added into flat arrays indexed by part; no row per unit × metric is made
 * (decision 0018). The values are capped first, by part: a percentile or fixed cap is the
 * experiment's, and each part belongs to one metric.
 *
 * <p>This is an {@link Aggregator} (a typed aggregate function) because no Spark built-in sums
 * arrays element by element: the built-in alternative is a row per unit × metric ({@link
 * UnitValues#metricRows}), which at 400 metrics is 200 million rows for 500,000 units. What it
 * computes is sums, so the result equals the built-in path's up to the order of floating-point
 * additions.
 *
 * <p>The output, per cell, holds the metrics the cell's experiment lists, in the list's order:
 * their slots, the unit count, the {@link MomentColumns#TERMS} sums of each (a term the metric does
 * not have is 0 here; the caller makes it null), and the unusable rows of each.
 */
final class CellSums extends Aggregator<CellSums.In, CellSums.Buffer, CellSums.Out> {
  private static final long serialVersionUID = 1L;

  /** The position of the unit row's experiment version among {@link #experiments}. */
  static final String EXPERIMENT = "cell_sums_experiment";

  /** Experiment versions ({@code key@version}), by position. */
  private final String[] experiments;

  /** The metric slots each experiment version lists, in the list's order. */
  private final int[][] listed;

  /** Caps by experiment and part ({@code +∞}: uncapped); null for an experiment without caps. */
  private final double[][] caps;

  /** The number of parts, all sources together. */
  private final int parts;

  /** Where each source's parts start among all parts. */
  private final int[] starts;

  /** The unit rows' columns of each source's values and unusable rows. */
  private final String[] valueColumns;

  private final String[] droppedColumns;

  /** The cross products summed: the two parts of each. */
  private final int[] left;

  private final int[] right;

  /**
   * Where each metric slot's term {@code t} is in a buffer's sums ({@code slot * T + t}; -1: the
   * metric has no such term).
   */
  private final int[] termAt;

  /** Each metric slot's parts (y, d, p, q; -1 for none), whose unusable rows it counts. */
  private final int[][] partsOf;

  CellSums(UnitValues values, Map<MetricStats.CapKey, MetricStats.Caps> capsByKey) {
    UnitValues.Layout layout = values.layout();
    int slots = values.metrics().size();
    parts = layout.parts();
    starts = new int[layout.sources().size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = layout.startOf(i);
    }
    valueColumns =
        layout.sources().stream().map(UnitValues.SourceArrays::values).toArray(String[]::new);
    droppedColumns =
        layout.sources().stream().map(UnitValues.SourceArrays::dropped).toArray(String[]::new);
    List<String> ids = new ArrayList<>();
    List<int[]> lists = new ArrayList<>();
    values
        .experimentsByList()
        .forEach(
            (list, experimentIds) -> {
              int[] s = list.stream().mapToInt(values::slot).toArray();
              for (Object id : experimentIds) {
                ids.add((String) id);
                lists.add(s);
              }
            });
    experiments = ids.toArray(String[]::new);
    listed = lists.toArray(int[][]::new);
    caps = new double[experiments.length][];
    Map<String, Integer> position = new LinkedHashMap<>();
    for (int i = 0; i < experiments.length; i++) {
      position.put(experiments[i], i);
    }
    capsByKey.forEach(
        (key, cap) -> {
          Integer e = position.get(key.experiment() + "@" + key.version());
          if (e == null) {
            return;
          }
          if (caps[e] == null) {
            caps[e] = new double[parts];
            Arrays.fill(caps[e], Double.POSITIVE_INFINITY);
          }
          int k = values.slot(key.metric());
          if (cap.y() != null) {
            caps[e][layout.y()[k]] = cap.y();
          }
          if (cap.p() != null && layout.p()[k] >= 0) {
            caps[e][layout.p()[k]] = cap.p();
          }
        });
    // Each term of each metric: one part's Σv or Σv², or a cross product of two parts.
    int terms = MomentColumns.TERMS.size();
    termAt = new int[slots * terms];
    partsOf = new int[slots][];
    List<Integer> lefts = new ArrayList<>();
    List<Integer> rights = new ArrayList<>();
    for (int k = 0; k < slots; k++) {
      Map<String, Integer> role =
          Map.of(
              UnitMetrics.Y, layout.y()[k],
              UnitMetrics.D, layout.d()[k],
              UnitMetrics.P, layout.p()[k],
              UnitMetrics.Q, layout.q()[k]);
      partsOf[k] = new int[] {layout.y()[k], layout.d()[k], layout.p()[k], layout.q()[k]};
      for (int t = 0; t < terms; t++) {
        MomentColumns.Term term = MomentColumns.TERMS.get(t);
        int a = role.get(term.left());
        int b = term.right() == null ? -2 : role.get(term.right());
        int at;
        if (a < 0 || b == -1) {
          at = -1;
        } else if (b == -2) {
          at = a; // Σv
        } else if (a == b) {
          at = parts + a; // Σv²
        } else {
          at = 2 * parts + lefts.size();
          lefts.add(a);
          rights.add(b);
        }
        termAt[k * terms + t] = at;
      }
    }
    left = lefts.stream().mapToInt(Integer::intValue).toArray();
    right = rights.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Spark's limit on groups per task before an aggregation like this one sorts its input. */
  static final String FALLBACK = "spark.sql.objectHashAggregate.sortBased.fallbackThreshold";

  /** The memory a task may give the cells' running sums before it sorts its rows instead. */
  static final long BUFFER_MEMORY = 64L << 20;

  /**
   * The number of cells whose sums fit in {@link #BUFFER_MEMORY}. Past Spark's default of 128
   * groups, a task sorts its remaining unit rows by cell (each row holding every part's values)
   * instead of adding them into the sums it holds.
   */
  long cellsInMemory() {
    long bytes = 64 + 8L * (2L * parts + left.length) + 8L * parts;
    return Math.max(128, BUFFER_MEMORY / bytes);
  }

  /**
   * Runs {@code action} (which must run the aggregation) with Spark's limit raised to {@link
   * #cellsInMemory}, then restores the session's setting.
   */
  <T> T run(org.apache.spark.sql.SparkSession spark, java.util.function.Supplier<T> action) {
    org.apache.spark.sql.RuntimeConfig conf = spark.conf();
    String before = conf.contains(FALLBACK) ? conf.get(FALLBACK) : null;
    long limit = cellsInMemory();
    if (before == null || Long.parseLong(before) < limit) {
      conf.set(FALLBACK, limit);
    }
    try {
      return action.get();
    } finally {
      if (before == null) {
        conf.unset(FALLBACK);
      } else {
        conf.set(FALLBACK, before);
      }
    }
  }

  /**
   * The unit row's experiment version as its position among the experiments (-1 for another, whose
   * rows the aggregation skips): a lookup in a literal map, once per unit row.
   */
  Column experiment() {
    Integer[] at = new Integer[experiments.length];
    for (int i = 0; i < at.length; i++) {
      at[i] = i;
    }
    return coalesce(
        try_element_at(map_from_arrays(lit(experiments), lit(at)), UnitValues.experimentVersion()),
        lit(-1));
  }

  /** The aggregate function of the unit rows' {@link #EXPERIMENT}, values and unusable rows. */
  Column apply() {
    // The bean's properties in the order its encoder reads them: by name.
    return udaf(this, Encoders.bean(In.class))
        .apply(arrays(droppedColumns), col(EXPERIMENT), arrays(valueColumns));
  }

  /** The columns, as one array of arrays. */
  private static Column arrays(String[] columns) {
    return array(Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new));
  }

  @Override
  public Buffer zero() {
    Buffer b = new Buffer();
    b.experiment = -1;
    b.sums = new double[2 * parts + left.length];
    b.dropped = new long[parts];
    return b;
  }

  @Override
  public Buffer reduce(Buffer b, In unit) {
    if (unit.experiment < 0) {
      return b;
    }
    b.experiment = unit.experiment;
    b.n++;
    // Every part's value (0 for a source the unit has no row in), capped.
    double[] v = new double[parts];
    for (int source = 0; source < starts.length; source++) {
      double[] from = unit.vals[source];
      if (from != null) {
        System.arraycopy(from, 0, v, starts[source], from.length);
      }
    }
    double[] cap = caps[unit.experiment];
    if (cap != null) {
      for (int i = 0; i < parts; i++) {
        v[i] = Math.min(v[i], cap[i]);
      }
    }
    double[] s = b.sums;
    for (int i = 0; i < parts; i++) {
      s[i] += v[i];
      s[parts + i] += v[i] * v[i];
    }
    int cross = 2 * parts;
    for (int c = 0; c < left.length; c++) {
      s[cross + c] += v[left[c]] * v[right[c]];
    }
    for (int source = 0; source < starts.length; source++) {
      long[] d = unit.dropped[source];
      if (d != null) {
        for (int i = 0; i < d.length; i++) {
          b.dropped[starts[source] + i] += d[i];
        }
      }
    }
    return b;
  }

  @Override
  public Buffer merge(Buffer a, Buffer b) {
    a.experiment = Math.max(a.experiment, b.experiment);
    a.n += b.n;
    for (int i = 0; i < a.sums.length; i++) {
      a.sums[i] += b.sums[i];
    }
    for (int i = 0; i < a.dropped.length; i++) {
      a.dropped[i] += b.dropped[i];
    }
    return a;
  }

  @Override
  public Out finish(Buffer b) {
    Out out = new Out();
    int[] slots = b.experiment < 0 ? new int[0] : listed[b.experiment];
    int terms = MomentColumns.TERMS.size();
    out.slots = slots;
    out.n = b.n;
    out.sums = new double[slots.length * terms];
    out.dropped = new long[slots.length];
    for (int i = 0; i < slots.length; i++) {
      int k = slots[i];
      for (int t = 0; t < terms; t++) {
        int at = termAt[k * terms + t];
        out.sums[i * terms + t] = at < 0 ? 0.0 : b.sums[at];
      }
      for (int part : partsOf[k]) {
        if (part >= 0) {
          out.dropped[i] += b.dropped[part];
        }
      }
    }
    return out;
  }

  @Override
  public Encoder<Buffer> bufferEncoder() {
    return Encoders.bean(Buffer.class);
  }

  @Override
  public Encoder<Out> outputEncoder() {
    return Encoders.bean(Out.class);
  }

  /**
   * A unit row: its experiment's position, and by source (null: all 0) its values and unusable rows
   * by part.
   */
  public static final class In implements Serializable {
    private static final long serialVersionUID = 1L;
    private int experiment;
    private double[][] vals;
    private long[][] dropped;

    public int getExperiment() {
      return experiment;
    }

    public void setExperiment(int experiment) {
      this.experiment = experiment;
    }

    public double[][] getVals() {
      return vals;
    }

    public void setVals(double[][] vals) {
      this.vals = vals;
    }

    public long[][] getDropped() {
      return dropped;
    }

    public void setDropped(long[][] dropped) {
      this.dropped = dropped;
    }
  }

  /**
   * What a cell's running sums and its statistics hold alike: the units, the sums (laid out as each
   * says) and the unusable rows.
   */
  public static class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    long n;
    double[] sums;
    long[] dropped;

    public long getN() {
      return n;
    }

    public void setN(long n) {
      this.n = n;
    }

    public double[] getSums() {
      return sums;
    }

    public void setSums(double[] sums) {
      this.sums = sums;
    }

    public long[] getDropped() {
      return dropped;
    }

    public void setDropped(long[] dropped) {
      this.dropped = dropped;
    }
  }

  /**
   * A cell's running sums: the experiment's position; Σv of each part, then Σv² of each, then the
   * cross products; the unusable rows by part.
   */
  public static final class Buffer extends Sums {
    private static final long serialVersionUID = 1L;
    private int experiment;

    public int getExperiment() {
      return experiment;
    }

    public void setExperiment(int experiment) {
      this.experiment = experiment;
    }
  }

  /**
   * A cell's statistics: the listed metrics' slots; the {@link MomentColumns#TERMS} sums of the
   * i-th listed metric at {@code i * T .. i * T + T - 1}; its unusable rows.
   */
  public static final class Out extends Sums {
    private static final long serialVersionUID = 1L;
    private int[] slots;

    public int[] getSlots() {
      return slots;
    }

    public void setSlots(int[] slots) {
      this.slots = slots;
    }
  }
}
