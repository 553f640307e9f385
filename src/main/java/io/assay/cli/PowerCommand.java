package io.assay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.stats.Alternative;
import io.assay.stats.SampleSizeCalculator;
import io.assay.stats.SampleSizeCalculator.Design;
import io.assay.stats.SampleSizeCalculator.Metric;
import io.assay.stats.SampleSizeCalculator.Plan;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code assay power}: the pre-launch calculator. Solves for the sample size per arm given an MDE,
 * or for the MDE given {@code --n}. Exit 0 on success, 2 on invalid input (message on stderr).
 */
@Command(
    name = "power",
    mixinStandardHelpOptions = true,
    description = {
      "Sample size per arm for a minimum detectable effect, or the MDE for a sample size.",
      "Means use the noncentral t (as R's power.t.test), proportions the normal approximation"
          + " (as R's power.prop.test)."
    })
public final class PowerCommand implements Callable<Integer> {
  static final int INVALID_INPUT = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--metric",
      required = true,
      paramLabel = "KIND",
      description = "proportion or mean.")
  String metric;

  @Option(
      names = "--baseline",
      required = true,
      description = "Control proportion in (0, 1), or control mean.")
  double baseline;

  @Option(names = "--sd", description = "Per-unit standard deviation (mean metrics).")
  Double sd;

  @Option(
      names = "--mde",
      description = "Minimum detectable effect: absolute, or relative with --relative.")
  Double mde;

  @Option(names = "--relative", description = "--mde is relative to the baseline (0.02 = +2%%).")
  boolean relative;

  @Option(
      names = "--alpha",
      defaultValue = "0.05",
      description = "Significance level (${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--power", defaultValue = "0.8", description = "Target power (${DEFAULT-VALUE}).")
  double power;

  @Option(
      names = "--arms",
      defaultValue = "2",
      description = "Number of arms including control (${DEFAULT-VALUE}).")
  int arms;

  @Option(names = "--bonferroni", description = "Test each treatment arm at alpha / (arms - 1).")
  boolean bonferroni;

  @Option(
      names = "--ratio",
      defaultValue = "1",
      description = "Allocation ratio n_treatment / n_control (${DEFAULT-VALUE}).")
  double ratio;

  @Option(
      names = "--alternative",
      defaultValue = "two-sided",
      description = "two-sided, greater or less (${DEFAULT-VALUE}).")
  String alternative;

  @Option(names = "--n", description = "Control-arm sample size: solve for the MDE instead of n.")
  Double n;

  @Option(names = "--json", description = "Print JSON instead of a readable summary.")
  boolean json;

  @Override
  public Integer call() {
    Plan plan;
    try {
      Design design = design();
      if (n != null) {
        if (mde != null) {
          throw new IllegalArgumentException("give either --mde or --n, not both");
        }
        plan = SampleSizeCalculator.mde(design, n);
      } else {
        if (mde == null) {
          throw new IllegalArgumentException("--mde is required unless --n is given");
        }
        plan = SampleSizeCalculator.sampleSize(design, mde, relative);
      }
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().flush();
      return INVALID_INPUT;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? json(plan) : text(plan));
    out.flush();
    return 0;
  }

  private Design design() {
    Metric m =
        switch (metric.toLowerCase(Locale.ROOT)) {
          case "proportion", "binomial" -> Metric.PROPORTION;
          case "mean" -> Metric.MEAN;
          default ->
              throw new IllegalArgumentException(
                  "--metric: must be proportion or mean, was '" + metric + "'");
        };
    if (m == Metric.MEAN && sd == null) {
      throw new IllegalArgumentException("--sd is required for --metric mean");
    }
    Alternative alt;
    try {
      alt = Alternative.parse(alternative);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--alternative: " + e.getMessage());
    }
    return new Design(m, baseline, sd == null ? 0 : sd, alpha, power, arms, bonferroni, ratio, alt);
  }

  private static String text(Plan p) {
    Design d = p.design();
    StringBuilder b = new StringBuilder();
    String kind = d.metric() == Metric.MEAN ? "mean" : "proportion";
    b.append(
        String.format(
            Locale.ROOT, "Power calculation for a %s test of a %s%n", d.alternative().label, kind));
    row(b, "baseline", fmt(d.baseline()));
    if (d.metric() == Metric.MEAN) {
      row(b, "sd", fmt(d.sd()));
    }
    row(
        b,
        "MDE",
        p.mdeAbsolute() == null
            ? "not reachable"
            : fmt(p.mdeAbsolute())
                + " absolute"
                + (p.mdeRelative() == null
                    ? ""
                    : String.format(Locale.ROOT, " (%.4g%% relative)", 100 * p.mdeRelative())));
    row(
        b,
        "alpha",
        fmt(d.alpha())
            + (d.bonferroni() ? " (per comparison " + fmt(p.alphaPerComparison()) + ")" : ""));
    row(b, "power", fmt(d.power()));
    row(b, "arms", d.arms() + " (allocation treatment:control = " + fmt(d.ratio()) + ")");
    if (p.nControl() == null) {
      row(b, "n per arm", "not reachable");
    } else {
      row(
          b,
          "n per arm",
          "control "
              + p.nControlRoundedUp()
              + ", each treatment "
              + p.nTreatmentRoundedUp()
              + String.format(Locale.ROOT, " (exact %.6g, %.6g)", p.nControl(), p.nTreatment()));
      row(b, "total n", String.valueOf(p.totalRoundedUp()));
    }
    return b.toString().stripTrailing();
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append(String.format(Locale.ROOT, "  %-10s %s%n", name, value));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+$", "");
  }

  private static String json(Plan p) {
    Design d = p.design();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("metric", d.metric() == Metric.MEAN ? "mean" : "proportion");
    o.put("baseline", d.baseline());
    if (d.metric() == Metric.MEAN) {
      o.put("sd", d.sd());
    }
    o.put("alpha", d.alpha());
    o.put("alpha_per_comparison", p.alphaPerComparison());
    o.put("power", d.power());
    o.put("alternative", d.alternative().label);
    o.put("arms", d.arms());
    o.put("ratio", d.ratio());
    put(o, "mde_absolute", p.mdeAbsolute());
    put(o, "mde_relative", p.mdeRelative());
    put(o, "n_control", p.nControl());
    put(o, "n_treatment", p.nTreatment());
    if (p.nControlRoundedUp() == null) {
      o.putNull("n_control_rounded_up");
      o.putNull("n_treatment_rounded_up");
      o.putNull("total_rounded_up");
    } else {
      o.put("n_control_rounded_up", p.nControlRoundedUp());
      o.put("n_treatment_rounded_up", p.nTreatmentRoundedUp());
      o.put("total_rounded_up", p.totalRoundedUp());
    }
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(ObjectNode o, String name, Double v) {
    if (v == null || !Double.isFinite(v)) {
      o.putNull(name);
    } else {
      o.put(name, v.doubleValue());
    }
  }
}
