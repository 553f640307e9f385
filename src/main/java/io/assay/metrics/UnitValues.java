package io.assay.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.assay.config.MetricDefinition;
import io.assay.config.Quantile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Per-unit metric values: one row per enrolled unit of an experiment version, the enrolled columns
 * it came with ({@code experiment, version, unit_key, enrolled_ts}, and {@code arm}, {@code strata}
 * where given), then, for each source, two arrays over the parts of its metrics ({@link
 * SourceArrays}): the unit's aggregate of each part (doubles; 0 where no row qualified; an
 * event-level quantile's number of values is a part of its own, its {@code d}), and its unusable
 * rows per part. Either array is null where it would hold only zeros because the unit has no row in
 * the source, or no unusable row: a source few units have rows in takes little room in the cached
 * unit rows. Where some metric is an event-level quantile, the bucket keys of its values per such
 * part ({@value #KEYS}).
 *
 * <p>Where a metric's value, denominator, pre-period values and keys are in these arrays is data
 * ({@link Layout}: positions by metric slot), not columns, so a row's width does not grow with the
 * number of metrics and metric names never name a column. The per-metric rows ({@link #metricRows})
 * are made from literal positions, in chunks of metrics whose generated code stays small (decision
 * 0016).
 *
 * <p>A metric counts for a row only when the row's experiment version lists it: experiment versions
 * sharing a metric list share its branch, chosen by a set lookup of {@code key@version}.
 *
 * @param rows the unit rows
 * @param carried the enrolled columns, in their order
 * @param metrics every metric some experiment lists, by slot
 * @param experimentsByList experiment versions ({@code key@version}) by the metric list they share
 * @param layout where each metric's parts are in the arrays
 */
public record UnitValues(
    Dataset<Row> rows,
    List<String> carried,
    List<MetricDefinition> metrics,
    Map<List<String>, List<Object>> experimentsByList,
    Layout layout) {

  /** The bucket keys of the unit's values, per event-level quantile part (absent without any). */
  static final String KEYS = "quantile_keys";

  /** The metric slot's column in {@link #metricRows}. */
  public static final String SLOT = "slot";

  /**
   * Positions (0-based; -1 for none) of each metric slot's parts: {@code y, d, p, q} among all
   * sources' parts, numbered source after source in the order of {@code sources} (the same
   * positions in the dropped counts), and an event-level quantile's keys in the key arrays.
   */
  public record Layout(int[] y, int[] d, int[] p, int[] q, int[] keys, List<SourceArrays> sources) {
    /** The number of parts, all sources together. */
    int parts() {
      return sources.stream().mapToInt(SourceArrays::parts).sum();
    }

    /** The source holding part {@code at}, by index in {@link #sources}. */
    int sourceOf(int at) {
      int start = 0;
      for (int i = 0; i < sources.size(); i++) {
        start += sources.get(i).parts();
        if (at < start) {
          return i;
        }
      }
      throw new IllegalArgumentException("no part " + at);
    }

    /** Where the parts of the source at index {@code source} start among all parts. */
    int startOf(int source) {
      int start = 0;
      for (int i = 0; i < source; i++) {
        start += sources.get(i).parts();
      }
      return start;
    }
  }

  /**
   * One source's columns in a unit row: {@code prefix + "_vals"}, the unit's aggregate of each of
   * its {@code parts} (0 where no row qualified; the column null where the unit has no row in the
   * source), {@code _dropped}, its unusable rows per part (null where there are none), and {@code
   * _keys}, its {@code keyParts} event-level quantiles' bucket keys.
   */
  public record SourceArrays(String prefix, int parts, int keyParts) {
    String values() {
      return prefix + "_vals";
    }

    String dropped() {
      return prefix + "_dropped";
    }
  }

  /** Part {@code at}'s value in a unit row (0 where the unit has no row in its source). */
  private Column valueOf(int at) {
    return partOf(at, SourceArrays::values, lit(0.0));
  }

  /** Part {@code at}'s unusable rows in a unit row. */
  private Column droppedOf(int at) {
    return partOf(at, SourceArrays::dropped, lit(0L));
  }

  /** Part {@code at} in its source's array {@code column} ({@code zero} where that is null). */
  private Column partOf(
      int at, java.util.function.Function<SourceArrays, String> column, Column zero) {
    int source = layout.sourceOf(at);
    Column array = col(column.apply(layout.sources().get(source)));
    return coalesce(get(array, lit(at - layout.startOf(source))), zero);
  }

  int slot(String metric) {
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).name().equals(metric)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no metric '" + metric + "' among the unit values");
  }

  /** Whether the metric has the role ({@link UnitMetrics#Y} and the others; y always). */
  public static boolean has(MetricDefinition m, String role) {
    return switch (role) {
      case UnitMetrics.Y -> true;
      case UnitMetrics.D ->
          m.denominator().isPresent()
              || m.quantile().map(q -> q.of() == Quantile.Of.EVENT).orElse(false);
      case UnitMetrics.P -> m.cupedWindow().isPresent();
      case UnitMetrics.Q -> m.cupedWindow().isPresent() && m.denominator().isPresent();
      default -> throw new IllegalArgumentException("no role " + role);
    };
  }

  /** The row's experiment version as {@code key@version}. */
  static Column experimentVersion() {
    return concat_ws("@", col("experiment"), col("version"));
  }

  private static Column concatenated(List<Column> parts) {
    return parts.size() == 1 ? parts.get(0) : concat(parts.toArray(Column[]::new));
  }

  static Column allKeys(List<SourceArrays> sources) {
    List<Column> parts = new ArrayList<>();
    for (SourceArrays s : sources) {
      if (s.keyParts() > 0) {
        parts.add(
            coalesce(
                col(s.prefix() + "_keys"),
                array_repeat(lit(null).cast(QuantileKeys.TYPE), s.keyParts())));
      }
    }
    return parts.isEmpty()
        ? lit(null).cast(DataTypes.createArrayType(QuantileKeys.TYPE))
        : concatenated(parts);
  }

  /**
   * One row per unit × metric its experiment lists (and {@code which} accepts): the columns {@code
   * keep}, {@value #SLOT} and the metric's {@code y, d, p, q} (null where it has no such role) and
   * {@code dropped}; with {@code withKeys}, also {@code keys} (quantile metrics' bucket keys, null
   * for others). Each unit's row gives an array of one struct per listed metric, read from the
   * unit's arrays at the metric's positions (literals), and the array is inlined: the unit's arrays
   * are read once, not carried into every metric's row. Experiment versions that list the same
   * metrics share one array, chosen by a set lookup of {@code key@version}. Event-level quantiles'
   * {@code d} is the unit's number of values.
   */
  public Dataset<Row> metricRows(List<String> keep, IntPredicate which, boolean withKeys) {
    Column id = experimentVersion();
    // The c-th chunk of each list's metrics, by chunk.
    List<Column> chunks = new ArrayList<>();
    for (Map.Entry<List<String>, List<Object>> e : experimentsByList.entrySet()) {
      List<Column> items = new ArrayList<>();
      for (String name : e.getKey()) {
        int k = slot(name);
        if (which.test(k)) {
          items.add(metricStruct(k, withKeys));
        }
      }
      Column applies = id.isin(e.getValue().toArray());
      for (int c = 0; c * CHUNK < items.size(); c++) {
        Column values =
            array(
                items
                    .subList(c * CHUNK, Math.min(items.size(), (c + 1) * CHUNK))
                    .toArray(Column[]::new));
        if (chunks.size() <= c) {
          chunks.add(when(applies, values));
        } else {
          chunks.set(c, chunks.get(c).when(applies, values));
        }
      }
    }
    List<Column> out = new ArrayList<>();
    keep.forEach(c -> out.add(col(c)));
    if (chunks.isEmpty()) { // no metric accepted: no rows, with the same columns
      out.add(inline(array(metricStruct(0, withKeys))));
      return rows.filter(lit(false)).select(out.toArray(Column[]::new));
    }
    // One select per chunk, unioned: the code Spark generates for each stays small (one array of
    // hundreds of structs does not compile and runs interpreted), and each reads the unit rows
    // once.
    Dataset<Row> all = null;
    for (Column chunk : chunks) {
      List<Column> select = new ArrayList<>(out);
      select.add(inline(chunk));
      Dataset<Row> part = rows.select(select.toArray(Column[]::new));
      all = all == null ? part : all.unionAll(part);
    }
    return all;
  }

  /** Metrics per generated array (see {@link #metricRows}). */
  private static final int CHUNK = 32;

  /** The metric in slot {@code k}: its values in a unit row, as a struct. */
  private Column metricStruct(int k, boolean withKeys) {
    MetricDefinition m = metrics.get(k);
    Column y = valueOf(layout.y()[k]);
    Column p = valueAt(layout.p()[k]);
    Column dropped = lit(0L);
    for (int[] positions : List.of(layout.y(), layout.d(), layout.p(), layout.q())) {
      if (positions[k] >= 0) {
        dropped = dropped.plus(droppedOf(positions[k]));
      }
    }
    Column eventKeys =
        layout.keys()[k] >= 0
            ? coalesce(get(col(KEYS), lit(layout.keys()[k])), array().cast(QuantileKeys.TYPE))
            : null;
    Column d = valueAt(layout.d()[k]);
    List<Column> fields = new ArrayList<>();
    fields.add(lit(k).as(SLOT));
    fields.add(y.as(UnitMetrics.Y));
    fields.add(d.as(UnitMetrics.D));
    fields.add(p.as(UnitMetrics.P));
    fields.add(valueAt(layout.q()[k]).as(UnitMetrics.Q));
    fields.add(dropped.as(UnitMetrics.DROPPED));
    if (withKeys) {
      Column keys = lit(null).cast(QuantileKeys.TYPE);
      if (eventKeys != null) {
        keys = eventKeys;
      } else if (m.quantile().isPresent()) {
        keys = array(QuantileKeys.key(y, m.quantile().get().accuracy()));
      }
      fields.add(keys.as(UnitMetrics.KEYS));
    }
    return struct(fields.toArray(Column[]::new));
  }

  /** A role's value at a position of the values: 0 where no row qualified; null for no role. */
  private Column valueAt(int position) {
    return position < 0 ? lit(null).cast(DataTypes.DoubleType) : valueOf(position);
  }

  /** The metric name of a slot column. */
  Column metricName(Column slot) {
    return get(lit(metrics.stream().map(MetricDefinition::name).toArray(String[]::new)), slot);
  }

  /**
   * The long form of the metrics {@code which} accepts: one row per unit × metric its experiment
   * lists, with the carried columns and {@code metric, y, d, p, q, dropped, keys} ({@code d},
   * {@code p}, {@code q} null where the metric has no such role; {@code keys} null except for
   * quantile metrics: the bucket keys of the unit's values, event level, or of its value, unit
   * level).
   */
  public Dataset<Row> perMetric(Predicate<MetricDefinition> which) {
    List<Column> out = new ArrayList<>();
    carried.forEach(c -> out.add(col(c)));
    out.add(metricName(col(SLOT)).as(UnitMetrics.METRIC));
    for (String f :
        List.of(
            UnitMetrics.Y,
            UnitMetrics.D,
            UnitMetrics.P,
            UnitMetrics.Q,
            UnitMetrics.DROPPED,
            UnitMetrics.KEYS)) {
      out.add(col(f));
    }
    return metricRows(carried, k -> which.test(metrics.get(k)), true)
        .select(out.toArray(Column[]::new));
  }

  /** Every metric's long form ({@link #perMetric(Predicate)}). */
  public Dataset<Row> perMetric() {
    return perMetric(m -> true);
  }

  /** The same metrics over other rows (say filtered). */
  public UnitValues withRows(Dataset<Row> other) {
    return new UnitValues(other, carried, metrics, experimentsByList, layout);
  }

  /** Persists the rows (the source passes then run once for every later use). */
  public UnitValues persist(StorageLevel level) {
    return withRows(rows.persist(level));
  }

  /** {@link #persist} in memory. */
  public UnitValues cache() {
    return withRows(rows.cache());
  }

  public void unpersist() {
    rows.unpersist();
  }
}
