package io.assay.stats.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.stats.ArmSummary;
import io.assay.stats.Comparison;
import io.assay.stats.CupedAdjustment;
import io.assay.stats.CupedTest;
import io.assay.stats.Inference;
import io.assay.stats.MixtureSprt;
import io.assay.stats.NormalPosterior;
import io.assay.stats.PowerDiagnostics;
import io.assay.stats.ProportionZTest;
import io.assay.stats.RatioTest;
import io.assay.stats.TestOptions;
import io.assay.stats.WelchTTest;
import io.assay.stats.json.StatsRequest.Arm;
import io.assay.stats.json.StatsRequest.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis behind {@code assay stats}: every treatment arm against control for one metric, as a
 * JSON tree. A pure function of the request. Undefined values are JSON {@code null}, never NaN or
 * ±Infinity; an arm whose comparison is (partly) undefined carries its error code.
 *
 * <p>Which test: {@code mean} → Welch's t-test; {@code binomial} → two-proportion z-test; {@code
 * ratio} → delta method; with {@code cuped} (mean or binomial) → Welch's t-test on CUPED-adjusted
 * means with one θ pooled over all arms. Adjusted p-values apply the request's correction across
 * the treatment arms.
 */
public final class StatsAnalysis {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private StatsAnalysis() {}

  /** Parses, analyses and renders: request JSON in, report JSON out. */
  public static String run(String requestJson) throws InvalidRequestException {
    ObjectNode out = analyze(StatsRequestParser.parse(requestJson));
    try {
      return StatsRequestParser.MAPPER
          .copy()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a JSON tree", e);
    }
  }

  /** One treatment arm against control, typed: what the report job and the JSON both use. */
  public record ArmResult(
      Arm arm,
      Comparison comparison,
      Double adjustedPValue,
      Double varianceReduction,
      NormalPosterior absolutePosterior,
      NormalPosterior relativePosterior,
      PowerDiagnostics power,
      MixtureSprt.Result sequential,
      Double sequentialRho) {}

  /**
   * The analysis of one metric: control, the CUPED fit if any (null without CUPED, or when it is
   * out of range), and every treatment arm.
   */
  public record Result(
      StatsRequest request, Arm control, CupedAdjustment adjustment, List<ArmResult> arms) {}

  /** The typed analysis: every treatment arm against control. */
  public static Result compute(StatsRequest req) {
    TestOptions options = new TestOptions(req.alpha(), req.alternative(), req.minUnitsPerArm());
    Arm control = req.arms().stream().filter(a -> a.name().equals(req.control())).findFirst().get();
    List<Arm> treatments = req.arms().stream().filter(a -> a != control).toList();
    CupedAdjustment adjustment =
        req.cuped() ? CupedAdjustment.fit(req.arms().stream().map(Arm::xy).toList()) : null;
    long totalUnits = req.arms().stream().mapToLong(a -> a.y().n()).sum();

    List<Comparison> comparisons = new ArrayList<>();
    List<Double> reductions = new ArrayList<>();
    for (Arm t : treatments) {
      if (req.cuped()) {
        CupedTest.Result r = CupedTest.with(options).test(control.xy(), t.xy(), adjustment);
        comparisons.add(r.comparison());
        reductions.add(r.varianceReduction());
      } else {
        comparisons.add(
            switch (req.kind()) {
              case MEAN -> WelchTTest.with(options).test(control.y(), t.y());
              case BINOMIAL -> ProportionZTest.with(options).test(control.y(), t.y());
              case RATIO -> RatioTest.with(options).test(control.xy(), t.xy());
            });
        reductions.add(null);
      }
    }
    List<Double> adjusted =
        req.correction().adjust(comparisons.stream().map(c -> c.absolute().pValue()).toList());
    List<ArmResult> arms = new ArrayList<>();
    for (int i = 0; i < treatments.size(); i++) {
      Comparison c = comparisons.get(i);
      MixtureSprt.Result seq = null;
      Double rho = null;
      if (req.sequential() != null) {
        MixtureSprt m = mixture(req);
        seq = m.test(c, req.alternative());
        rho = m.rho();
      }
      arms.add(
          new ArmResult(
              treatments.get(i),
              c,
              adjusted.get(i),
              reductions.get(i),
              NormalPosterior.of(c.absolute(), req.increaseIsGood()),
              NormalPosterior.of(c.relative(), req.increaseIsGood()),
              powerOf(c, control, treatments.get(i), req, totalUnits),
              seq,
              rho));
    }
    return new Result(req, control, adjustment, arms);
  }

  public static ObjectNode analyze(StatsRequest req) {
    Result result = compute(req);
    CupedAdjustment adjustment = result.adjustment();
    ObjectNode out = JSON.objectNode();
    out.put("kind", req.kind().label);
    out.put("alpha", req.alpha());
    out.put("alternative", req.alternative().label);
    out.put("correction", req.correction().label);
    out.put("cuped", req.cuped());
    if (req.cuped()) {
      num(out, "cuped_theta", adjustment == null ? null : adjustment.theta());
    }
    out.set("control", arm(result.control(), req, adjustment));
    ArrayNode arms = out.putArray("arms");
    for (ArmResult r : result.arms()) {
      Comparison c = r.comparison();
      ObjectNode a = arm(r.arm(), req, adjustment);
      ObjectNode abs = inference(c.absolute());
      abs.remove("df");
      num(abs, "p_value_adjusted", r.adjustedPValue());
      num(abs, "df", c.absolute().df());
      a.set("absolute", abs);
      a.set("relative", inference(c.relative()));
      if (req.cuped()) {
        num(a, "variance_reduction", r.varianceReduction());
      }
      a.set("bayesian", bayesian(r));
      a.set("power", power(r.power()));
      if (r.sequential() != null) {
        a.set("sequential", sequential(r));
      }
      if (c.error() == null) {
        a.putNull("error");
      } else {
        a.put("error", c.error().label());
      }
      arms.add(a);
    }
    return out;
  }

  private static ObjectNode arm(Arm arm, StatsRequest req, CupedAdjustment adjustment) {
    ObjectNode o = JSON.objectNode();
    o.put("arm", arm.name());
    o.put("n", arm.y().n());
    Double estimate = null;
    if (arm.y().n() > 0) {
      if (req.kind() == Kind.RATIO) {
        estimate = arm.xy().sumX() == 0 ? null : arm.xy().sumY() / arm.xy().sumX();
      } else {
        estimate = arm.y().mean();
      }
    }
    num(o, "estimate", estimate);
    if (req.cuped()) {
      num(
          o,
          "estimate_adjusted",
          adjustment != null && arm.y().n() >= 2 ? adjustment.adjustedMean(arm.xy()) : null);
    }
    return o;
  }

  private static ObjectNode inference(Inference i) {
    ObjectNode o = JSON.objectNode();
    num(o, "effect", i.effect());
    num(o, "se", i.se());
    num(o, "ci_lower", i.ciLower());
    num(o, "ci_upper", i.ciUpper());
    num(o, "p_value", i.pValue());
    num(o, "df", i.df());
    return o;
  }

  private static ObjectNode bayesian(ArmResult r) {
    ObjectNode o = JSON.objectNode();
    num(o, "chance_to_beat_control", r.absolutePosterior().chanceToBeatControl());
    num(o, "expected_loss", r.absolutePosterior().expectedLoss());
    num(o, "expected_loss_relative", r.relativePosterior().expectedLoss());
    return o;
  }

  private static PowerDiagnostics powerOf(
      Comparison c, Arm control, Arm treatment, StatsRequest req, long totalUnits) {
    PowerDiagnostics d = PowerDiagnostics.UNDEFINED;
    if (c.control() != null && c.treatment() != null) {
      Double rc = null;
      Double rt = null;
      if (req.enrollmentPerDay() != null && totalUnits > 0) {
        rc = req.enrollmentPerDay() * control.y().n() / totalUnits;
        rt = req.enrollmentPerDay() * treatment.y().n() / totalUnits;
      }
      PowerDiagnostics.Target target =
          new PowerDiagnostics.Target(
              req.alpha(), req.power(), req.alternative(), req.mde(), rc, rt);
      ArmSummary cs = c.control();
      ArmSummary ts = c.treatment();
      d =
          req.kind() == Kind.BINOMIAL && !req.cuped()
              ? PowerDiagnostics.forProportions(cs, ts, target)
              : PowerDiagnostics.forMeans(cs, ts, target);
    }
    return d;
  }

  private static ObjectNode power(PowerDiagnostics d) {
    ObjectNode o = JSON.objectNode();
    num(o, "mde_absolute", d.mdeAbsolute());
    num(o, "mde_relative", d.mdeRelative());
    num(o, "achieved_power", d.achievedPower());
    num(o, "required_n_control", d.requiredNControl());
    num(o, "required_n_treatment", d.requiredNTreatment());
    num(o, "days_left", d.daysLeft());
    return o;
  }

  private static MixtureSprt mixture(StatsRequest req) {
    MixtureSprt m = MixtureSprt.withDefaults().withAlpha(req.alpha());
    StatsRequest.Sequential s = req.sequential();
    if (s.rho() != null) {
      m = m.withRho(s.rho());
    } else if (s.plannedUnitsPerArm() != null) {
      m = m.tunedFor(s.plannedUnitsPerArm());
    }
    return m;
  }

  private static ObjectNode sequential(ArmResult a) {
    MixtureSprt.Result r = a.sequential();
    ObjectNode o = JSON.objectNode();
    o.put("rho", a.sequentialRho());
    num(o, "p_value", r.pValue());
    num(o, "ci_lower", r.ciLower());
    num(o, "ci_upper", r.ciUpper());
    num(o, "mixing_variance", r.mixingVariance());
    return o;
  }

  /** The one place values enter the JSON: null, NaN and ±∞ all become JSON null. */
  private static void num(ObjectNode o, String name, Double v) {
    if (v == null || !Double.isFinite(v)) {
      o.putNull(name);
    } else {
      o.put(name, v.doubleValue());
    }
  }
}
