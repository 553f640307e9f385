package io.assay.stats.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.stats.Comparison;
import io.assay.stats.CupedAdjustment;
import io.assay.stats.Inference;
import io.assay.stats.MetricAnalysis;
import io.assay.stats.MixtureSprt;
import io.assay.stats.PowerDiagnostics;

/**
 * {@code assay stats}: a JSON request in, the {@link MetricAnalysis} of it as JSON out. This class
 * only renders; the analysis is {@link MetricAnalysis#compute}, the same code the nightly pipeline
 * calls. Undefined values are JSON {@code null}, never NaN or ±Infinity; an arm whose comparison is
 * (partly) undefined carries its error code.
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

  /** The analysis of {@code req} as a JSON tree. */
  public static ObjectNode analyze(MetricAnalysis.Request req) {
    MetricAnalysis.Result result = MetricAnalysis.compute(req);
    CupedAdjustment adjustment = result.adjustment();
    ObjectNode out = JSON.objectNode();
    out.put("kind", req.kind().label);
    out.put("alpha", req.alpha());
    out.put("alternative", req.alternative().label);
    out.put("correction", req.correction().label);
    out.put("cuped", req.cuped());
    if (req.quantile() != null) {
      out.put("quantile", req.quantile());
      out.put("accuracy", req.arms().get(0).sketch().accuracy());
    }
    if (req.cuped()) {
      Double theta =
          result.ratioAdjustment() != null
              ? Double.valueOf(result.ratioAdjustment().theta())
              : adjustment == null ? null : adjustment.theta();
      num(out, "cuped_theta", theta);
    }
    out.set("control", arm(result.control(), result));
    ArrayNode arms = out.putArray("arms");
    for (MetricAnalysis.ArmResult r : result.arms()) {
      Comparison c = r.comparison();
      ObjectNode a = arm(r.arm(), result);
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

  private static ObjectNode arm(MetricAnalysis.Arm arm, MetricAnalysis.Result result) {
    ObjectNode o = JSON.objectNode();
    o.put("arm", arm.name());
    o.put("n", arm.n());
    num(o, "estimate", result.estimate(arm));
    if (result.request().cuped()) {
      num(o, "estimate_adjusted", result.adjustedEstimate(arm));
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

  private static ObjectNode bayesian(MetricAnalysis.ArmResult r) {
    ObjectNode o = JSON.objectNode();
    num(o, "chance_to_beat_control", r.absolutePosterior().chanceToBeatControl());
    num(o, "expected_loss", r.absolutePosterior().expectedLoss());
    num(o, "expected_loss_relative", r.relativePosterior().expectedLoss());
    return o;
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

  private static ObjectNode sequential(MetricAnalysis.ArmResult a) {
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
