package io.assay.reconcile;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
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
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Column;
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
 * instant column (timestamp). The decision is a struct with the fields of {@link #DECISION_FIELDS}.
 */
public final class SparkAssignment {
  /** Field names of the decision struct. */
  public static final List<String> DECISION_FIELDS =
      List.of("status", "arm", "position", "traffic");

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

  /** The arm key (null when outside traffic), at the ramp step in force at {@code at}. */
  public static Column arm(AssignmentPlan plan, Column unit, Column at) {
    ExperimentDefinition d = plan.definition();
    if (plan.scheme() == io.assay.config.HashScheme.PLANOUT) {
      double[] cum = PlanOutHash.cumulative(d.weights());
      Column stop =
          planOutHash(d.salt(), unit)
              .cast(DataTypes.DoubleType)
              .divide(lit(PlanOutHash.LONG_SCALE))
              .multiply(lit(cum[cum.length - 1]));
      Column out = lit(null).cast(DataTypes.StringType);
      for (int i = cum.length - 1; i >= 0; i--) {
        out = when(stop.leq(lit(cum[i])), lit(d.arms().get(i).key())).otherwise(out);
      }
      return out;
    }
    Column p = position(plan, unit);
    Column out = lit(null).cast(DataTypes.StringType);
    for (AssignmentPlan.Step s : plan.steps()) {
      Column armAtStep = lit(null).cast(DataTypes.StringType);
      double[][] r = s.ranges();
      for (int i = r.length - 1; i >= 0; i--) {
        armAtStep =
            when(p.geq(lit(r[i][0])).and(p.lt(lit(r[i][1]))), lit(d.arms().get(i).key()))
                .otherwise(armAtStep);
      }
      out = when(at.geq(lit(Timestamp.from(s.at()))), armAtStep).otherwise(out);
    }
    return out;
  }

  /**
   * The full decision as a struct {@code (status, arm, position, traffic)}, with checks in the
   * order of the Java assigner: window, eligibility, holdout, namespace, traffic.
   */
  public static Column decide(AssignmentPlan plan, Column unit, Column attributes, Column at) {
    ExperimentDefinition d = plan.definition();
    Column inWindow =
        at.geq(lit(Timestamp.from(d.start()))).and(at.lt(lit(Timestamp.from(d.end()))));
    Column arm = arm(plan, unit, at);
    Column status =
        when(not(inWindow), lit(Status.OUTSIDE_WINDOW.code()))
            .when(not(eligible(d.eligibility(), attributes)), lit(Status.NOT_ELIGIBLE.code()));
    if (plan.holdout().isPresent()) {
      var h = plan.holdout().get();
      Column hp = nativePosition(h.salt(), unit);
      status = status.when(hp.geq(h.start()).and(hp.lt(h.end())), lit(Status.HOLDOUT.code()));
    }
    if (plan.namespace().isPresent()) {
      var ns = plan.namespace().get();
      Column np =
          switch (plan.scheme()) {
            case GROWTHBOOK_V1, GROWTHBOOK_V2 -> GB_V1.apply(lit("__" + ns.name()), unit);
            default -> nativePosition(ns.salt(), unit);
          };
      status =
          status.when(
              not(np.geq(ns.start()).and(np.lt(ns.end()))), lit(Status.NOT_IN_NAMESPACE.code()));
    }
    status =
        status
            .when(arm.isNull(), lit(Status.NOT_IN_TRAFFIC.code()))
            .otherwise(lit(Status.ASSIGNED.code()));
    Column assigned = status.equalTo(lit(Status.ASSIGNED.code()));
    return struct(
        status.as("status"),
        when(assigned, arm).as("arm"),
        position(plan, unit).as("position"),
        traffic(plan, at).as("traffic"));
  }
}
