package io.assay.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
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
 * where given), then three arrays over the parts of every metric on every source: the unit's
 * aggregate of each part ({@value #VALS}, doubles; null where no row qualified, read as 0), its
 * unusable rows per part ({@value #DROPPED}) and, where some metric is an event-level quantile, the
 * bucket keys of its values per such part ({@value #KEYS}).
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

  /** The unit's values of every part of every metric, all sources together (null: no row). */
  static final String VALS = "vals";

  /** The unit's unusable rows, per part as {@link #VALS}. */
  static final String DROPPED = "dropped_rows";

  /** The bucket keys of the unit's values, per event-level quantile part (absent without any). */
  static final String KEYS = "quantile_keys";

  /**
   * Optional unit columns: the caps of the unit's experiment by metric slot (null: uncapped), of
   * the value and of the pre-period value; {@link #metricRows} applies them where present.
   */
  static final String CAP_Y = "cap_y";

  static final String CAP_P = "cap_p";

  /** The metric slot's column in {@link #metricRows}. */
  public static final String SLOT = "slot";

  /**
   * Positions (0-based; -1 for none) of each metric slot's parts in the unit's arrays: {@code y, d,
   * p, q} in the values (and the same positions in the dropped counts), and an event-level
   * quantile's keys in the key arrays.
   */
  public record Layout(int[] y, int[] d, int[] p, int[] q, int[] keys) {}

  /**
   * One source's arrays: {@code prefix + "_vals"} and {@code _dropped} of {@code parts}, {@code
   * _keys} of {@code keyParts}.
   */
  public record SourceArrays(String prefix, int parts, int keyParts) {}

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

  /** The slots of the metrics the row's experiment version lists (null for another experiment). */
  Column listedSlots() {
    List<String> ids = new ArrayList<>();
    List<Column> slots = new ArrayList<>();
    experimentsByList.forEach(
        (list, experiments) -> {
          int[] s = list.stream().mapToInt(this::slot).toArray();
          for (Object id : experiments) {
            ids.add((String) id);
            slots.add(lit(s));
          }
        });
    // All literals: the optimizer folds the map into one constant.
    return org.apache.spark.sql.functions.try_element_at(
        org.apache.spark.sql.functions.map_from_arrays(
            lit(ids.toArray(String[]::new)), array(slots.toArray(Column[]::new))),
        experimentVersion());
  }

  private static Column concatenated(List<Column> parts) {
    return parts.size() == 1 ? parts.get(0) : concat(parts.toArray(Column[]::new));
  }

  /** Every source's values, one array (a source without a row for the unit: its parts null). */
  static Column allValues(List<SourceArrays> sources) {
    List<Column> parts = new ArrayList<>();
    for (SourceArrays s : sources) {
      parts.add(
          coalesce(
              col(s.prefix() + "_vals"),
              array_repeat(lit(null).cast(DataTypes.DoubleType), s.parts())));
    }
    return concatenated(parts);
  }

  static Column allDropped(List<SourceArrays> sources) {
    List<Column> parts = new ArrayList<>();
    for (SourceArrays s : sources) {
      parts.add(coalesce(col(s.prefix() + "_dropped"), array_repeat(lit(0L), s.parts())));
    }
    return concatenated(parts);
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
    Column vals = col(VALS);
    Column drops = col(DROPPED);
    MetricDefinition m = metrics.get(k);
    List<String> columns = List.of(rows.columns());
    Column y = coalesce(get(vals, lit(layout.y()[k])), lit(0.0));
    Column p = valueAt(vals, layout.p()[k]);
    if (columns.contains(CAP_Y)) {
      // least skips nulls: an uncapped value (no cap, or a null cap) is kept as it is.
      y = least(y, get(col(CAP_Y), lit(k)));
      p = least(p, get(col(CAP_P), lit(k)));
    }
    Column dropped = lit(0L);
    for (int[] positions : List.of(layout.y(), layout.d(), layout.p(), layout.q())) {
      if (positions[k] >= 0) {
        dropped = dropped.plus(coalesce(get(drops, lit(positions[k])), lit(0L)));
      }
    }
    Column eventKeys =
        layout.keys()[k] >= 0
            ? coalesce(get(col(KEYS), lit(layout.keys()[k])), array().cast(QuantileKeys.TYPE))
            : null;
    Column d =
        eventKeys != null
            ? size(eventKeys).cast(DataTypes.DoubleType)
            : valueAt(vals, layout.d()[k]);
    List<Column> fields = new ArrayList<>();
    fields.add(lit(k).as(SLOT));
    fields.add(y.as(UnitMetrics.Y));
    fields.add(d.as(UnitMetrics.D));
    fields.add(p.as(UnitMetrics.P));
    fields.add(valueAt(vals, layout.q()[k]).as(UnitMetrics.Q));
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
  private static Column valueAt(Column vals, int position) {
    return position < 0
        ? lit(null).cast(DataTypes.DoubleType)
        : coalesce(get(vals, lit(position)), lit(0.0));
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
