package io.assay.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricCatalog;
import io.assay.config.MetricDefinition;
import io.assay.config.MetricKind;
import io.assay.config.Quantile;
import io.assay.config.Window;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.special.Erf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The true effect of every arm on every catalog metric, from the model (not from the generated
 * events). The estimand: the relative difference of the expected per-unit metric value between an
 * arm and control, over the units the online system enrolled in the experiment (every arm's
 * expectation taken over all of them, so the realized split does not enter).
 *
 * <p>For unit {@code i} enrolled at {@code f_i}, let {@code C_i} be the expected sum of a measure
 * in the metric's window without the experiment's own effect: the integral of the unit's rate times
 * the other experiments' multipliers in force, times the share {@code φ} of events that pass the
 * filter (measured on the written source), times the value per event. Arm {@code a} multiplies it
 * by {@code K_a = 1 + e_a} (for revenue {@code (1 + e_orders)(1 + e_order_value)}), so:
 *
 * <ul>
 *   <li>count and mean: {@code mean_a = K_a · avg_i C_i}, relative {@code K_a / K_c - 1};
 *   <li>ratio: {@code (K_a^num avg C^num) / (K_a^den avg C^den)}, relative {@code (K_a^num /
 *       K_a^den) / (K_c^num / K_c^den) - 1};
 *   <li>binomial (a Poisson process has no event in the window with probability {@code exp(-C_i)}):
 *       {@code mean_a = avg_i (1 - exp(-K_a C_i))}, relative {@code mean_a / mean_c - 1};
 *   <li>quantile of order values at event level: an order's value is a lognormal draw of its unit's
 *       country times the order-value multipliers in force, so without the experiment's own effect
 *       the pooled values of the window follow a mixture of lognormals, weighted by the expected
 *       number of orders of each country and multiplier ({@link #mixtureQuantile}). Arm {@code a}
 *       multiplies every value by {@code K_a^value} and leaves the weights' proportions alone (a
 *       rate effect scales every unit's orders alike), so its quantile is {@code K_a^value · x_q},
 *       relative {@code K_a^value / K_c^value - 1} exactly. A unit-level quantile (of per-unit
 *       sums) has no closed form and gets no truth.
 * </ul>
 *
 * <p>Reads the unit-level rows (persisted by the caller) once, plus one scan per filtered source
 * for {@code φ}. Cost: one aggregation by experiment (a shuffle of one partial row per partition).
 * Sums are taken as {@code decimal(38,18)}, which add exactly, so the result does not depend on
 * partitioning or summation order.
 */
final class EffectTruth {
  private static final String E = "truth_experiment";
  private static final String A = "truth_arm";
  private static final String F = "truth_first_ms";
  private static final String N = "truth_units";
  private static final org.apache.spark.sql.types.DecimalType EXACT =
      DataTypes.createDecimalType(38, 18);

  private final OnlineSystem online;
  private final Effects effects;
  private final MetricCatalog catalog;
  private final Map<MeasureModel, Double> shares;
  private final int maxArms;
  private final boolean anyEffect;

  /**
   * @param shares {@code φ} per measure with a filter: the share of the source's events passing it
   */
  EffectTruth(
      OnlineSystem online,
      Effects effects,
      MetricCatalog catalog,
      Map<MeasureModel, Double> shares) {
    this.online = online;
    this.effects = effects;
    this.catalog = catalog;
    this.shares = Map.copyOf(shares);
    this.maxArms = online.experiments().stream().mapToInt(d -> d.arms().size()).max().orElse(0);
    this.anyEffect = anyEffect(online, effects);
  }

  /** Whether an arm of a served experiment changes a rate: false in an A/A world. */
  private static boolean anyEffect(OnlineSystem online, Effects effects) {
    for (ExperimentDefinition d : online.experiments()) {
      for (String a : d.armKeys()) {
        for (Channel c : Channel.values()) {
          if (effects.effect(d.key(), a, c) != 0.0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The measures of every catalog metric that have a model, for which {@code φ} is needed. */
  static List<MeasureModel> filteredMeasures(MetricCatalog catalog) {
    List<MeasureModel> out = new ArrayList<>();
    for (MetricDefinition m : catalog.all()) {
      for (var r : results(m)) {
        r.model().filter(x -> x.filter().isPresent() && !out.contains(x)).ifPresent(out::add);
      }
    }
    return out;
  }

  private static List<MeasureModel.Result> results(MetricDefinition m) {
    List<MeasureModel.Result> out = new ArrayList<>();
    out.add(MeasureModel.of(m.numerator()));
    m.denominator().ifPresent(d -> out.add(MeasureModel.of(d)));
    return out;
  }

  /**
   * {@code {enrollment: {experiment: {version, units, units_by_arm}}, effects: {experiment: {arm:
   * {metric: {kind, absolute, relative, control_mean, treatment_mean}}}}}}.
   */
  ObjectNode compute(Dataset<Row> units) {
    Dataset<Row> enrolled =
        units
            .select(
                col(Units.ACTIVITY),
                col(Units.PLATFORM),
                col(Units.COUNTRY),
                col(Segments.SEGMENTS),
                explode(col(Enrollment.ENROLLMENTS)).as("e"))
            .select(
                col("*"),
                col("e").getField(Enrollment.EXPERIMENT).as(E),
                col("e").getField(Enrollment.ARM).as(A),
                unix_millis(col("e").getField(Enrollment.TS)).as(F));
    // Units per arm: one sum per distinct arm key of the served experiments (a handful), not a
    // lookup of the row's experiment among all of them.
    Column armIndex = online.armIndex(col(A));
    List<Column> aggs = new ArrayList<>();
    for (int g = 0; g < online.armNames().size(); g++) {
      aggs.add(sum(when(armIndex.equalTo(g), 1L).otherwise(0L)).as(armUnits(g)));
    }
    Map<String, MetricDefinition> modelled = new LinkedHashMap<>();
    List<MetricDefinition> quantiles = new ArrayList<>();
    // Without any effect every relative effect is 0 exactly, and no sum is needed.
    for (MetricDefinition m : anyEffect ? catalog.all() : List.<MetricDefinition>of()) {
      if (m.kind() == MetricKind.QUANTILE) {
        if (quantileModel(m).isPresent()) {
          modelled.put(m.name(), m);
          quantiles.add(m);
        }
        continue;
      }
      if (results(m).stream().allMatch(r -> r.model().isPresent())) {
        modelled.put(m.name(), m);
        MeasureModel num = MeasureModel.of(m.numerator()).model().orElseThrow();
        Column c = expected(num, m.window());
        if (m.kind() == MetricKind.BINOMIAL) {
          for (int j = 0; j < maxArms; j++) {
            Column k = armMultiplier(j, num);
            aggs.add(
                exact(lit(1.0).minus(exp(k.multiply(c).multiply(-1.0)))).as(sumName(m, "p", j)));
          }
        } else {
          aggs.add(exact(c).as(sumName(m, "num", 0)));
          if (m.denominator().isPresent()) {
            MeasureModel den = MeasureModel.of(m.denominator().get()).model().orElseThrow();
            aggs.add(exact(expected(den, m.window())).as(sumName(m, "den", 0)));
          }
        }
      }
    }
    List<Row> rows =
        enrolled
            .groupBy(col(E))
            .agg(count(lit(1)).as(N), aggs.toArray(Column[]::new))
            .collectAsList();
    return toJson(rows, modelled, mixtures(enrolled, quantiles));
  }

  /** The model of a quantile metric with a closed form: at event level, of the orders' revenue. */
  private static Optional<MeasureModel> quantileModel(MetricDefinition m) {
    Optional<MeasureModel> mm = MeasureModel.of(m.numerator()).model();
    boolean events = m.quantile().map(q -> q.of() == Quantile.Of.EVENT).orElse(false);
    return events ? mm.filter(MeasureModel::revenue) : Optional.empty();
  }

  /**
   * Per experiment and quantile metric, the mixture its values follow without the experiment's own
   * effect: the expected number of orders in the window (the weight, up to the filter's share,
   * which is the same for all) per country and order-value multiplier of the other experiments. One
   * aggregation of the enrolled rows, exploded over metrics and segment slots; a few rows per
   * experiment reach the driver.
   */
  private Map<List<String>, List<double[]>> mixtures(
      Dataset<Row> enrolled, List<MetricDefinition> quantiles) {
    Map<List<String>, List<double[]>> out = new LinkedHashMap<>();
    if (quantiles.isEmpty()) {
      return out;
    }
    List<Column> parts = new ArrayList<>();
    for (MetricDefinition m : quantiles) {
      MeasureModel mm = quantileModel(m).orElseThrow();
      Channel c = mm.channel();
      Column ownRate = effects.multiplier(col(E), col(A), c);
      Column ownValue = effects.multiplier(col(E), col(A), Channel.ORDER_VALUE);
      for (int r = 0; r <= online.maxEnrollments(); r++) {
        Column s = get(col(Segments.SEGMENTS), lit(r));
        Column orders =
            MetricEvents.dailyRate(c)
                .multiply(s.getField(Segments.multiplier(c)))
                .multiply(overlap(s, m.window()).cast(DataTypes.DoubleType).divide(Timeline.DAY_MS))
                .divide(ownRate);
        Column value = s.getField(Segments.multiplier(Channel.ORDER_VALUE)).divide(ownValue);
        parts.add(
            struct(
                lit(m.name()).as("metric"),
                round(value, 12).as("value"),
                coalesce(orders, lit(0.0)).as("orders")));
      }
    }
    List<Row> rows =
        enrolled
            .select(
                col(E), col(Units.COUNTRY), explode(array(parts.toArray(Column[]::new))).as("q"))
            .filter(col("q.orders").gt(0))
            .groupBy(col(E), col("q.metric"), col(Units.COUNTRY), col("q.value"))
            .agg(exact(col("q.orders")).as("orders"))
            .collectAsList();
    for (Row r : rows) {
      int country = WorldModel.COUNTRIES.indexOf(r.getString(2));
      double s = WorldModel.ORDER_VALUE_SIGMA;
      double mu = Math.log(WorldModel.ORDER_VALUE_MEAN[country]) - s * s / 2;
      out.computeIfAbsent(List.of(r.getString(0), r.getString(1)), k -> new ArrayList<>())
          .add(new double[] {mu + Math.log(r.getDouble(3)), decimal(r, "orders")});
    }
    return out;
  }

  /**
   * The {@code q}-quantile of a mixture of lognormals with log-scale {@code sigma}: component
   * {@code {μ, weight}}. Bisection on the log scale to double precision.
   */
  static double mixtureQuantile(double q, List<double[]> components, double sigma) {
    double total = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] c : components) {
      total += c[1];
      lo = Math.min(lo, c[0] - 40 * sigma);
      hi = Math.max(hi, c[0] + 40 * sigma);
    }
    for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
      double mid = (lo + hi) / 2;
      double cdf = 0;
      for (double[] c : components) {
        cdf += c[1] * 0.5 * Erf.erfc(-(mid - c[0]) / (sigma * Math.sqrt(2)));
      }
      if (cdf < q * total) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  private ObjectNode toJson(
      List<Row> rows,
      Map<String, MetricDefinition> modelled,
      Map<List<String>, List<double[]>> mixtures) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    ObjectNode enrollment = out.putObject("enrollment");
    ObjectNode effectsNode = out.putObject("effects");
    Map<String, Row> byExperiment = new LinkedHashMap<>();
    rows.forEach(r -> byExperiment.put(r.getString(r.fieldIndex(E)), r));
    for (ExperimentDefinition d : online.experiments()) {
      ObjectNode exp = enrollment.putObject(d.key());
      exp.put("version", d.version().toString());
      Row r = byExperiment.get(d.key());
      long n = r == null ? 0 : r.getLong(r.fieldIndex(N));
      exp.put("units", n);
      ObjectNode served = exp.putObject("units_by_arm");
      for (String a : d.armKeys()) {
        int g = online.armNames().indexOf(a);
        served.put(a, r == null ? 0 : r.getLong(r.fieldIndex(armUnits(g))));
      }
      ObjectNode arms = effectsNode.putObject(d.key());
      int control = d.armIndex(d.control());
      for (int j = 0; j < d.arms().size(); j++) {
        ObjectNode arm = arms.putObject(d.armKeys().get(j));
        for (MetricDefinition m : catalog.all()) {
          ObjectNode metric = arm.putObject(m.name());
          metric.put("kind", m.kind().yaml);
          if (!anyEffect) {
            metric.put("absolute", 0.0);
            metric.put("relative", 0.0);
            metric.put("note", "no arm of a served experiment changes any rate (an A/A world)");
            continue;
          }
          if (!modelled.containsKey(m.name())) {
            metric.putNull("relative");
            metric.put("note", "no closed form: " + reason(m));
            continue;
          }
          Optional<double[]> means =
              n == 0
                  ? Optional.empty()
                  : m.kind() == MetricKind.QUANTILE
                      ? quantiles(d, m, mixtures.get(List.of(d.key(), m.name())), control, j)
                      : means(d, m, r, n, control, j);
          if (means.isEmpty()) {
            metric.putNull("relative");
            metric.put("note", "no enrolled units or a zero control mean");
            continue;
          }
          double[] cm = means.get();
          metric.put("absolute", cm[1] - cm[0]);
          metric.put("relative", cm[1] / cm[0] - 1);
          metric.put("control_mean", cm[0]);
          metric.put("treatment_mean", cm[1]);
        }
      }
    }
    return out;
  }

  /** {control mean, arm mean} of a metric, from the aggregated sums; empty if undefined. */
  private Optional<double[]> means(
      ExperimentDefinition d, MetricDefinition m, Row r, long n, int control, int arm) {
    MeasureModel num = MeasureModel.of(m.numerator()).model().orElseThrow();
    double c;
    double a;
    if (m.kind() == MetricKind.BINOMIAL) {
      c = decimal(r, sumName(m, "p", control)) / n;
      a = decimal(r, sumName(m, "p", arm)) / n;
    } else {
      double base = decimal(r, sumName(m, "num", 0)) / n;
      c = multiplier(d, control, num) * base;
      a = multiplier(d, arm, num) * base;
      if (m.denominator().isPresent()) {
        MeasureModel den = MeasureModel.of(m.denominator().get()).model().orElseThrow();
        double baseDen = decimal(r, sumName(m, "den", 0)) / n;
        if (baseDen == 0) {
          return Optional.empty();
        }
        c /= multiplier(d, control, den) * baseDen;
        a /= multiplier(d, arm, den) * baseDen;
      }
    }
    return c == 0 ? Optional.empty() : Optional.of(new double[] {c, a});
  }

  /** {control quantile, arm quantile} of an event-level quantile of order values. */
  private Optional<double[]> quantiles(
      ExperimentDefinition d, MetricDefinition m, List<double[]> mixture, int control, int arm) {
    if (mixture == null) {
      return Optional.empty();
    }
    double x =
        mixtureQuantile(m.quantile().orElseThrow().level(), mixture, WorldModel.ORDER_VALUE_SIGMA);
    String c = d.armKeys().get(control);
    String a = d.armKeys().get(arm);
    return Optional.of(
        new double[] {
          effects.multiplier(d.key(), c, Channel.ORDER_VALUE) * x,
          effects.multiplier(d.key(), a, Channel.ORDER_VALUE) * x
        });
  }

  private static String reason(MetricDefinition m) {
    if (m.kind() == MetricKind.QUANTILE) {
      return m.quantile().map(q -> q.of() == Quantile.Of.UNIT).orElse(false)
          ? "a unit-level quantile (of per-unit sums)"
          : "an event-level quantile of a value other than orders' revenue";
    }
    return results(m).stream()
        .filter(r -> r.model().isEmpty())
        .map(MeasureModel.Result::reason)
        .findFirst()
        .orElse("");
  }

  /**
   * {@code C_i}: the unit's expected sum of the measure in the window after its first exposure,
   * without the experiment's own effect (divided out: the segments carry every served effect).
   */
  private Column expected(MeasureModel mm, Window w) {
    Channel c = mm.channel();
    // Unrolled over the segment slots (a null slot contributes 0): plain expressions are code
    // generated, a lambda would be interpreted.
    Column integral = lit(0.0);
    for (int r = 0; r <= online.maxEnrollments(); r++) {
      Column s = get(col(Segments.SEGMENTS), lit(r));
      Column overlap = overlap(s, w);
      Column m = s.getField(Segments.multiplier(c));
      if (mm.revenue()) {
        m = m.multiply(s.getField(Segments.multiplier(Channel.ORDER_VALUE)));
      }
      integral = integral.plus(coalesce(m.multiply(overlap.cast(DataTypes.DoubleType)), lit(0.0)));
    }
    Column own = effects.multiplier(col(E), col(A), c);
    Column perEvent = lit(mm.perEvent());
    if (mm.revenue()) {
      own = own.multiply(effects.multiplier(col(E), col(A), Channel.ORDER_VALUE));
      perEvent = MetricEvents.meanOrderValue();
    }
    double share = mm.filter().isPresent() ? shares.get(mm) : 1.0;
    return MetricEvents.dailyRate(c)
        .multiply(integral.divide(Timeline.DAY_MS))
        .divide(own)
        .multiply(perEvent)
        .multiply(share);
  }

  /**
   * Milliseconds of segment {@code s} inside window {@code w} after the row's first exposure, 0
   * when they do not meet. For an empty slot (null) {@code least} and {@code greatest} skip the
   * nulls and give the window's length: callers multiply it by the slot's multiplier, which is null
   * there, and count the null term as 0.
   */
  private static Column overlap(Column s, Window w) {
    Column from = col(F).plus(w.from().toMillis());
    Column to = col(F).plus(w.to().toMillis());
    return greatest(
        lit(0L),
        least(s.getField(Segments.END), to).minus(greatest(s.getField(Segments.START), from)));
  }

  /** {@code K} of arm slot {@code j} of the row's experiment for a measure; null past its arms. */
  private Column armMultiplier(int j, MeasureModel mm) {
    return online.byExperiment(
        col(E),
        d ->
            j < d.arms().size() ? lit(multiplier(d, j, mm)) : lit(null).cast(DataTypes.DoubleType));
  }

  private double multiplier(ExperimentDefinition d, int arm, MeasureModel mm) {
    String a = d.armKeys().get(arm);
    double k = effects.multiplier(d.key(), a, mm.channel());
    return mm.revenue() ? k * effects.multiplier(d.key(), a, Channel.ORDER_VALUE) : k;
  }

  private static Column exact(Column c) {
    return sum(c.cast(EXACT));
  }

  private static double decimal(Row r, String name) {
    Object v = r.get(r.fieldIndex(name));
    return v == null ? 0.0 : ((BigDecimal) v).round(MathContext.DECIMAL64).doubleValue();
  }

  private static String armUnits(int j) {
    return "truth_arm_units_" + j;
  }

  private static String sumName(MetricDefinition m, String part, int j) {
    return "truth_" + m.name() + "_" + part + "_" + j;
  }
}
