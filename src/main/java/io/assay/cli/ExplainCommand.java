package io.assay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.UnitIds;
import io.assay.config.Conf;
import io.assay.config.ExperimentDefinition;
import io.assay.config.SpecNode;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code assay explain}: the decision trace for one unit — what support staff need to answer "why
 * did this user see B?". Pure Java, no Spark.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain why a unit got its arm (or none), step by step.",
      "Prints window, eligibility, holdout and namespace positions, traffic at that time, the hash",
      "position and the arm ranges. Pure Java: starts no Spark."
    })
public final class ExplainCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Option(
      names = "--experiment",
      required = true,
      paramLabel = "KEY[@VERSION]",
      description = "Experiment key, optionally with a version (default: the latest version).")
  String experiment;

  @Option(
      names = "--unit",
      required = true,
      paramLabel = "ID",
      description =
          "The unit id: not blank, at most 256 characters, no control characters (the ids"
              + " reconcile accepts).")
  String unit;

  @Option(
      names = "--at",
      paramLabel = "TIMESTAMP",
      description = "Instant of exposure, ISO-8601 UTC (default: now).")
  String at;

  @Option(
      names = "--attr",
      paramLabel = "NAME=VALUE",
      description = "A unit attribute for eligibility (repeatable), e.g. --attr country=US.")
  List<String> attrs = List.of();

  @Option(names = "--json", description = "Print the trace as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String problem = UnitIds.problem(unit);
    if (problem != null) {
      throw new UsageProblem(
          "--unit '"
              + unit
              + "' is not a valid unit id: "
              + problem
              + " (reconcile quarantines such ids as "
              + (UnitIds.blank(unit) ? "empty_unit_id" : "invalid_unit_id")
              + "); pass the id as logged, e.g. --unit u-42");
    }
    Conf c = Definitions.load(conf.dir());
    ExperimentDefinition d = c.resolve(experiment);
    Instant when = at == null ? Instant.now() : SpecNode.parseInstant(at);
    if (when == null) {
      throw new UsageProblem(
          "--at '" + at + "' is not a timestamp; write e.g. 2026-11-03T12:00:00Z");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String a : attrs) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new UsageProblem(
            "--attr '" + a + "' is not NAME=VALUE; write e.g. --attr country=US");
      }
      attributes.put(a.substring(0, eq), a.substring(eq + 1));
    }
    AssignmentPlan plan = AssignmentPlan.of(d, c.assay());
    Decision dec = Assigner.decide(plan, unit, attributes, when);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(plan, dec, when, attributes));
    } else {
      printTrace(out, plan, dec, when, attributes);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void printTrace(
      PrintWriter out,
      AssignmentPlan plan,
      Decision dec,
      Instant when,
      Map<String, String> attributes) {
    ExperimentDefinition d = plan.definition();
    out.printf("experiment   %s (%s scheme, salt \"%s\")%n", d.id(), d.hash().yaml, d.salt());
    out.printf("unit         %s%n", unit);
    out.printf("at           %s%n", when);
    boolean inWindow = d.inWindow(when);
    out.printf("window       [%s, %s) → %s%n", d.start(), d.end(), inWindow ? "inside" : "OUTSIDE");
    if (!inWindow) {
      out.printf("decision     not assigned: outside the experiment window%n");
      return;
    }
    out.printf(
        "eligibility  %s with %s → %s%n", d.eligibility().render(), attributes, dec.eligible());
    if (!dec.eligible()) {
      out.printf("decision     not assigned: not eligible%n");
      return;
    }
    if (plan.holdout().isPresent()) {
      var h = plan.holdout().get();
      out.printf(
          "holdout      %s [%s, %s): position %.6f → %s%n",
          h.name(),
          h.start(),
          h.end(),
          dec.holdoutPosition(),
          h.contains(dec.holdoutPosition()) ? "IN HOLDOUT" : "outside");
    } else {
      out.printf("holdout      none%n");
    }
    if (dec.status() == io.assay.assignment.Status.HOLDOUT) {
      out.printf("decision     not assigned: the unit is in holdout %s%n", d.holdout().get());
      return;
    }
    if (plan.namespace().isPresent()) {
      var ns = plan.namespace().get();
      out.printf(
          "namespace    %s [%s, %s): position %.6f → %s%n",
          ns.name(),
          ns.start(),
          ns.end(),
          dec.namespacePosition(),
          ns.contains(dec.namespacePosition()) ? "inside" : "OUTSIDE");
    } else {
      out.printf("namespace    none%n");
    }
    if (dec.status() == io.assay.assignment.Status.NOT_IN_NAMESPACE) {
      out.printf("decision     not assigned: outside the experiment's namespace slice%n");
      return;
    }
    int step = plan.stepAt(when);
    out.printf(
        "traffic      %s%s%n",
        dec.traffic(),
        plan.steps().size() > 1 && step >= 0
            ? " (ramp step "
                + (step + 1)
                + " of "
                + plan.steps().size()
                + ", from "
                + plan.steps().get(step).at()
                + ")"
            : "");
    out.printf("position     %.9f%n", dec.position());
    if (step >= 0 && plan.scheme() != io.assay.config.HashScheme.PLANOUT) {
      StringBuilder b = new StringBuilder();
      double[][] r = plan.steps().get(step).ranges();
      for (int i = 0; i < r.length; i++) {
        b.append(String.format("%s [%.6f, %.6f)  ", d.arms().get(i).key(), r[i][0], r[i][1]));
      }
      out.printf("arm ranges   %s%n", b.toString().strip());
    }
    if (dec.assigned()) {
      out.printf("decision     ASSIGNED → %s%n", dec.arm());
    } else {
      out.printf("decision     not assigned: the position falls outside the traffic in force%n");
    }
  }

  private String toJson(
      AssignmentPlan plan, Decision dec, Instant when, Map<String, String> attributes)
      throws Exception {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = m.createObjectNode();
    ExperimentDefinition d = plan.definition();
    o.put("experiment", d.key());
    o.put("version", d.version().toString());
    o.put("scheme", d.hash().yaml);
    o.put("unit_id", unit);
    o.put("at", when.toString());
    o.set("attributes", m.valueToTree(attributes));
    o.put("status", dec.status().code());
    o.put("arm", dec.arm());
    o.put("in_window", d.inWindow(when));
    o.put("eligible", dec.eligible());
    o.put("holdout_position", dec.holdoutPosition());
    o.put("namespace_position", dec.namespacePosition());
    o.put("traffic", dec.traffic());
    o.put("position", dec.position());
    return m.writeValueAsString(o);
  }
}
