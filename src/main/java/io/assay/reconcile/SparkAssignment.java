package io.assay.reconcile;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sha1;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.GrowthBookHash;
import io.assay.assignment.NativeHash;
import io.assay.assignment.PlanOutHash;
import io.assay.assignment.Status;
import io.assay.config.Condition;
import io.assay.config.ExperimentDefinition;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Spark twin of {@link io.assay.assignment.Assigner}: the same decision as column expressions,
 * reading the same {@link AssignmentPlan} (so arm bounds are the same doubles on both sides).
 *
 * <p>The native scheme and PlanOut use Spark built-ins only ({@code xxhash64}, {@code sha1}, {@code
 * conv}), so recomputation runs at scan speed with no UDF in the plan. GrowthBook's FNV-1a over
 * UTF-16 code units has no built-in; it is the one place a UDF wraps the tested pure function.
 *
 * <p>Inputs: a unit id column (string), an attributes column ({@code map<string,string>}) and an
 * instant column (timestamp). The decision is a struct {@link #decisionType()}.
 */
public final class SparkAssignment {
  private static final UserDefinedFunction GB_V1 =
      functions.udf(
          (UDF2<String, String, Double>)
              (seed, unit) -> unit == null ? null : GrowthBookHash.hash(seed, unit, 1),
          DataTypes.DoubleType);
  private static final UserDefinedFunction GB_V2 =
      functions.udf(
          (UDF2<String, String, Double>)
              (seed, unit) -> unit == null ? null : GrowthBookHash.hash(seed, unit, 2),
          DataTypes.DoubleType);

  private static final String UTF_16BE = "UTF-16BE";

  private SparkAssignment() {}

  /**
   * {@code (xxhash64(salt || ':' || unit) >>> 11) * 2^-53}: the native position, built-ins only.
   */
  public static Column nativePosition(String salt, Column unit) {
    return shiftrightunsigned(xxhash64(concat(lit(salt + NativeHash.SEPARATOR), unit)), 11)
        .cast(DataTypes.DoubleType)
        .multiply(lit(NativeHash.TWO_POW_MINUS_53));
  }

  /** PlanOut's {@code getHash}: the first 15 hex digits of SHA-1(fullSalt || '.' || unit). */
  public static Column planOutHash(String fullSalt, Column unit) {
    return conv(substring(sha1(concat(lit(fullSalt + "."), unit).cast("binary")), 1, 15), 16, 10)
        .cast(DataTypes.LongType);
  }

  /** The unit's position in [0, 1) under the plan's scheme and salt. */
  public static Column position(AssignmentPlan plan, Column unit) {
    String salt = plan.definition().salt();
    return switch (plan.scheme()) {
      case NATIVE -> nativePosition(salt, unit);
      case GROWTHBOOK_V1 -> GB_V1.apply(lit(salt), unit);
      case GROWTHBOOK_V2 -> GB_V2.apply(lit(salt), unit);
      case PLANOUT ->
          planOutHash(salt, unit).cast(DataTypes.DoubleType).divide(lit(PlanOutHash.LONG_SCALE));
    };
  }

  /** The eligibility condition over a {@code map<string,string>} attributes column. */
  public static Column eligible(Condition c, Column attributes) {
    if (c instanceof Condition.Always) {
      return lit(true);
    }
    if (c instanceof Condition.All all) {
      Column out = lit(true);
      for (Condition t : all.terms()) {
        out = out.and(eligible(t, attributes));
      }
      return out;
    }
    if (c instanceof Condition.Any any) {
      Column out = lit(false);
      for (Condition t : any.terms()) {
        out = out.or(eligible(t, attributes));
      }
      return out;
    }
    if (c instanceof Condition.Not n) {
      return not(eligible(n.term(), attributes));
    }
    if (c instanceof Condition.In in) {
      return coalesce(attr(attributes, in.attribute()).isin(in.values().toArray()), lit(false));
    }
    if (c instanceof Condition.NotIn notIn) {
      return coalesce(
          not(attr(attributes, notIn.attribute()).isin(notIn.values().toArray())), lit(true));
    }
    if (c instanceof Condition.NumberIn n) {
      Column v = attr(attributes, n.attribute());
      Column x = v.try_cast(DataTypes.DoubleType);
      Column any = lit(false);
      for (double d : n.values()) {
        any = any.or(x.equalTo(lit(d)));
      }
      return coalesce(v.rlike(Condition.NUMBER).and(any), lit(false));
    }
    if (c instanceof Condition.Exists e) {
      return attr(attributes, e.attribute()).isNotNull();
    }
    if (c instanceof Condition.TextCompare t) {
      // UTF-16BE bytes compare (unsigned, lexicographically) in the order of UTF-16 code units,
      // which is how Java's compareTo and JavaScript order strings; Spark's own string order is
      // by UTF-8 bytes (code points), which differs for characters above U+FFFF.
      Column v = encode(attr(attributes, t.attribute()), UTF_16BE);
      Column x = lit(t.value().getBytes(StandardCharsets.UTF_16BE));
      Column holds =
          switch (t.op()) {
            case LT -> v.lt(x);
            case LTE -> v.leq(x);
            case GT -> v.gt(x);
            case GTE -> v.geq(x);
          };
      return coalesce(holds, lit(false));
    }
    Condition.Compare cmp = (Condition.Compare) c;
    Column v = attr(attributes, cmp.attribute());
    Column x = v.try_cast(DataTypes.DoubleType);
    Column holds =
        switch (cmp.op()) {
          case LT -> x.lt(cmp.value());
          case LTE -> x.leq(cmp.value());
          case GT -> x.gt(cmp.value());
          case GTE -> x.geq(cmp.value());
        };
    return coalesce(v.rlike(Condition.NUMBER).and(holds), lit(false));
  }

  private static Column attr(Column attributes, String name) {
    return try_element_at(attributes, lit(name));
  }

  /** The traffic in force at {@code at}: the last ramp step at or before it, else 0. */
  public static Column traffic(AssignmentPlan plan, Column at) {
    Column out = lit(0.0);
    for (AssignmentPlan.Step s : plan.steps()) {
      out = when(at.geq(lit(Timestamp.from(s.at()))), lit(s.traffic())).otherwise(out);
    }
    return out;
  }

  /**
   * The namespace position under the plan's scheme (GrowthBook's inNamespace hash, else native).
   */
  public static Column namespacePosition(AssignmentPlan plan, Column unit) {
    var ns = plan.namespace().orElseThrow();
    return switch (plan.scheme()) {
      case GROWTHBOOK_V1, GROWTHBOOK_V2 -> GB_V1.apply(lit("__" + ns.name()), unit);
      default -> nativePosition(ns.salt(), unit);
    };
  }

  /**
   * The arm key (null when outside traffic) for a precomputed position, at the ramp step in force
   * at {@code at}. For PlanOut the position is {@code getUniform(0, 1)} and the arm is PlanOut's
   * WeightedChoice over it.
   */
  static Column arm(AssignmentPlan plan, Column position, Column at) {
    ExperimentDefinition d = plan.definition();
    if (plan.scheme() == io.assay.config.HashScheme.PLANOUT) {
      double[] cum = PlanOutHash.cumulative(d.weights());
      Column stop = position.multiply(lit(cum[cum.length - 1]));
      Column out = lit(null).cast(DataTypes.StringType);
      for (int i = cum.length - 1; i >= 0; i--) {
        out = when(stop.leq(lit(cum[i])), lit(d.arms().get(i).key())).otherwise(out);
      }
      return out;
    }
    Column out = lit(null).cast(DataTypes.StringType);
    for (AssignmentPlan.Step s : plan.steps()) {
      Column armAtStep = lit(null).cast(DataTypes.StringType);
      double[][] r = s.ranges();
      for (int i = r.length - 1; i >= 0; i--) {
        armAtStep =
            when(
                    position.geq(lit(r[i][0])).and(position.lt(lit(r[i][1]))),
                    lit(d.arms().get(i).key()))
                .otherwise(armAtStep);
      }
      out = when(at.geq(lit(Timestamp.from(s.at()))), armAtStep).otherwise(out);
    }
    return out;
  }

  /**
   * Adds {@code out}, each row's candidate plans as an array of {@code candidate(plan)} values in
   * the order of {@code plans}: every plan outside a namespace and, per namespace, the plans whose
   * slice holds the unit's namespace position (plus, with {@code withNext}, the first slice
   * starting above it, the first of all when none does). Plans it leaves out would decide {@code
   * not_in_namespace}; deciding only the candidates keeps the work per row bounded by how many
   * experiments a unit can be in, not how many there are. One namespace position per namespace (one
   * namespace hash per namespace, checked by the configuration loader).
   */
  public static Dataset<Row> withCandidates(
      Dataset<Row> rows,
      List<AssignmentPlan> plans,
      Column unit,
      boolean withNext,
      java.util.function.Function<AssignmentPlan, Column> candidate,
      String out) {
    Map<AssignmentPlan, Integer> order = new java.util.IdentityHashMap<>();
    for (int i = 0; i < plans.size(); i++) {
      order.put(plans.get(i), i);
    }
    Comparator<AssignmentPlan> inOrder = Comparator.comparing(order::get);
    List<Column> parts = new ArrayList<>();
    List<Column> outside =
        plans.stream().filter(p -> p.namespace().isEmpty()).map(candidate).toList();
    if (!outside.isEmpty()) {
      parts.add(array(outside.toArray(Column[]::new)));
    }
    Dataset<Row> staged = rows;
    List<String> positions = new ArrayList<>();
    for (List<AssignmentPlan> layer : byNamespace(plans).values()) {
      String position = "__assay_candidates_ns_" + positions.size();
      positions.add(position);
      staged = staged.withColumn(position, namespacePosition(layer.get(0), unit));
      List<double[]> intervals = intervals(layer);
      Column chosen = null;
      for (int i = 0; i < intervals.size(); i++) {
        double[] interval = intervals.get(i);
        List<AssignmentPlan> in = new ArrayList<>(holders(layer, interval[0]));
        if (withNext) {
          AssignmentPlan next =
              layer.stream()
                  .filter(p -> p.namespace().orElseThrow().start() > interval[0])
                  .findFirst()
                  .orElse(layer.get(0));
          if (!in.contains(next)) {
            in.add(next);
          }
        }
        in.sort(inOrder);
        Column value =
            in.isEmpty()
                ? org.apache.spark.sql.functions.slice(array(candidate.apply(layer.get(0))), 1, 0)
                : array(in.stream().map(candidate).toArray(Column[]::new));
        if (i == intervals.size() - 1) {
          chosen = chosen == null ? value : chosen.otherwise(value);
        } else {
          Column below = col(position).lt(lit(interval[1]));
          chosen = chosen == null ? when(below, value) : chosen.when(below, value);
        }
      }
      parts.add(chosen);
    }
    Column all = parts.size() == 1 ? parts.get(0) : concat(parts.toArray(Column[]::new));
    return staged.withColumn(out, all).drop(positions.toArray(String[]::new));
  }

  /**
   * The most plans a unit can be assigned to at once: every one outside a namespace, plus per
   * namespace the most slices that hold one position.
   */
  public static int maxCandidates(List<AssignmentPlan> plans) {
    int n = (int) plans.stream().filter(p -> p.namespace().isEmpty()).count();
    for (List<AssignmentPlan> layer : byNamespace(plans).values()) {
      int deepest = 0;
      for (double[] interval : intervals(layer)) {
        deepest = Math.max(deepest, holders(layer, interval[0]).size());
      }
      n += deepest;
    }
    return n;
  }

  /** The plans in a namespace, by namespace name, each list by slice start then key. */
  private static Map<String, List<AssignmentPlan>> byNamespace(List<AssignmentPlan> plans) {
    Map<String, List<AssignmentPlan>> out = new java.util.TreeMap<>();
    for (AssignmentPlan p : plans) {
      p.namespace().ifPresent(ns -> out.computeIfAbsent(ns.name(), k -> new ArrayList<>()).add(p));
    }
    Comparator<AssignmentPlan> bySlice =
        Comparator.comparingDouble((AssignmentPlan p) -> p.namespace().orElseThrow().start())
            .thenComparing(p -> p.definition().key());
    out.values().forEach(l -> l.sort(bySlice));
    return out;
  }

  /** The intervals {@code [lo, hi)} of [0, 1) between the bounds of a namespace's slices. */
  private static List<double[]> intervals(List<AssignmentPlan> layer) {
    java.util.TreeSet<Double> bounds = new java.util.TreeSet<>(List.of(0.0, 1.0));
    for (AssignmentPlan p : layer) {
      var ns = p.namespace().orElseThrow();
      bounds.add(Math.max(0.0, Math.min(1.0, ns.start())));
      bounds.add(Math.max(0.0, Math.min(1.0, ns.end())));
    }
    List<Double> b = new ArrayList<>(bounds);
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < b.size(); i++) {
      out.add(new double[] {b.get(i), b.get(i + 1)});
    }
    return out;
  }

  /** The plans whose slice holds a position. */
  private static List<AssignmentPlan> holders(List<AssignmentPlan> layer, double position) {
    return layer.stream().filter(p -> p.namespace().orElseThrow().contains(position)).toList();
  }

  /** A plan and the rows it applies to (e.g. {@code experiment = k AND version = v}). */
  public record Keyed(Column applies, AssignmentPlan plan) {}

  private static final String POS = "__assay_pos";
  private static final String NS_POS = "__assay_ns_pos";
  private static final String HOLDOUT_POS = "__assay_holdout_pos";

  /**
   * Adds the decision struct {@code (status, arm, position, traffic)} as column {@code out}, with
   * checks in the order of the Java assigner: window, eligibility, holdout, namespace, traffic.
   * Rows no plan applies to get a null decision.
   *
   * <p>The hashes are computed once per row in a first projection (each row evaluates only the plan
   * that applies to it), and the range comparisons read them in a second; Spark does not collapse
   * the two because that would duplicate the hash expressions.
   */
  public static Dataset<Row> withDecision(
      Dataset<Row> in, List<Keyed> plans, Column unit, Column attributes, Column at, String out) {
    Column pos = lit(null).cast(DataTypes.DoubleType);
    Column nsPos = lit(null).cast(DataTypes.DoubleType);
    Column holdoutPos = lit(null).cast(DataTypes.DoubleType);
    for (int i = plans.size() - 1; i >= 0; i--) {
      Keyed k = plans.get(i);
      AssignmentPlan p = k.plan();
      pos = when(k.applies(), position(p, unit)).otherwise(pos);
      if (p.namespace().isPresent()) {
        nsPos = when(k.applies(), namespacePosition(p, unit)).otherwise(nsPos);
      }
      if (p.holdout().isPresent()) {
        holdoutPos =
            when(k.applies(), nativePosition(p.holdout().get().salt(), unit)).otherwise(holdoutPos);
      }
    }
    Dataset<Row> staged =
        in.withColumn(POS, pos).withColumn(NS_POS, nsPos).withColumn(HOLDOUT_POS, holdoutPos);
    Column decision = lit(null).cast(decisionType());
    for (int i = plans.size() - 1; i >= 0; i--) {
      Keyed k = plans.get(i);
      decision =
          when(
                  k.applies(),
                  decide(k.plan(), attributes, at, col(POS), col(NS_POS), col(HOLDOUT_POS)))
              .otherwise(decision);
    }
    return staged.withColumn(out, decision).drop(POS, NS_POS, HOLDOUT_POS);
  }

  /** Convenience for one plan that applies to every row. */
  public static Dataset<Row> withDecision(
      Dataset<Row> in, AssignmentPlan plan, Column unit, Column attributes, Column at, String out) {
    return withDecision(in, List.of(new Keyed(lit(true), plan)), unit, attributes, at, out);
  }

  public static org.apache.spark.sql.types.StructType decisionType() {
    return new org.apache.spark.sql.types.StructType()
        .add("status", DataTypes.StringType)
        .add("arm", DataTypes.StringType)
        .add("position", DataTypes.DoubleType)
        .add("traffic", DataTypes.DoubleType);
  }

  private static Column decide(
      AssignmentPlan plan,
      Column attributes,
      Column at,
      Column position,
      Column nsPosition,
      Column holdoutPosition) {
    ExperimentDefinition d = plan.definition();
    Column inWindow =
        at.geq(lit(Timestamp.from(d.start()))).and(at.lt(lit(Timestamp.from(d.end()))));
    Column arm = arm(plan, position, at);
    Column status =
        when(not(inWindow), lit(Status.OUTSIDE_WINDOW.code()))
            .when(not(eligible(d.eligibility(), attributes)), lit(Status.NOT_ELIGIBLE.code()));
    if (plan.holdout().isPresent()) {
      var h = plan.holdout().get();
      status =
          status.when(
              holdoutPosition.geq(h.start()).and(holdoutPosition.lt(h.end())),
              lit(Status.HOLDOUT.code()));
    }
    if (plan.namespace().isPresent()) {
      var ns = plan.namespace().get();
      status =
          status.when(
              not(nsPosition.geq(ns.start()).and(nsPosition.lt(ns.end()))),
              lit(Status.NOT_IN_NAMESPACE.code()));
    }
    status =
        status
            .when(arm.isNull(), lit(Status.NOT_IN_TRAFFIC.code()))
            .otherwise(lit(Status.ASSIGNED.code()));
    Column assigned = status.equalTo(lit(Status.ASSIGNED.code()));
    return struct(
        status.as("status"),
        when(assigned, arm).as("arm"),
        position.as("position"),
        traffic(plan, at).as("traffic"));
  }
}
