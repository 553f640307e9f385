package io.assay.report;

import static io.assay.report.Format.md;

import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricKind;
import java.util.ArrayList;
import java.util.List;

/** The report for chat and pull requests: decision, health and the metrics table in Markdown. */
public final class MarkdownReport {
  private MarkdownReport() {}

  /** An arm's estimate as measured, with the CUPED-adjusted one when there is one. */
  private static String estimate(Double measured, Double adjusted) {
    return Format.num(measured)
        + (adjusted == null ? "" : " (CUPED-adjusted " + Format.num(adjusted) + ")");
  }

  public static String render(ExperimentReport r) {
    ExperimentDefinition d = r.definition();
    StringBuilder b = new StringBuilder();
    b.append("# ").append(d.id()).append(" — as of ").append(r.date()).append("\n\n");
    b.append("> ").append(md(d.hypothesis())).append("\n\n");
    b.append("Owner ")
        .append(md(d.owner()))
        .append(" · ")
        .append(d.start())
        .append(" → ")
        .append(d.end())
        .append("\n\n");
    b.append("## Decision\n\n");
    for (ExperimentReport.Decision x : r.decisions()) {
      b.append("**")
          .append(x.decision().toUpperCase(java.util.Locale.ROOT).replace('_', ' '))
          .append("** — ")
          .append(md(x.arm()))
          .append(" vs ")
          .append(md(d.control()))
          .append(" (")
          .append(Format.count(x.enrolledUnits()))
          .append(" units)\n\n");
      for (String reason : x.reasons()) {
        b.append("- ").append(md(reason)).append('\n');
      }
      b.append('\n');
    }
    b.append("## Health\n\n");
    ExperimentReport.Check srm = r.srmOverall();
    List<ExperimentReport.Check> flagged = r.srmFlagged();
    String overall =
        srm == null
            ? "not checked"
            : srm.skippedReason() != null
                ? "skipped (" + srm.skippedReason() + ")"
                : (srm.flagged() ? "**mismatch**" : "ok")
                    + " (Holm-adjusted p "
                    + Format.p(srm.pValueAdjusted())
                    + ")";
    b.append("- Sample ratio: ")
        .append(
            flagged.isEmpty()
                ? overall
                : "**mismatch in "
                    + flagged.size()
                    + (flagged.size() == 1 ? " slice" : " slices")
                    + "** (overall: "
                    + overall
                    + ")")
        .append('\n');
    for (ExperimentReport.Check c : flagged) {
      b.append("  - ")
          .append(md(c.where()))
          .append(": ")
          .append(
              md(
                  c.message() != null
                      ? c.message()
                      : "Holm-adjusted p " + Format.p(c.pValueAdjusted())))
          .append('\n');
    }
    b.append("- Reconciliation match rate: ").append(Format.share(r.matchRate())).append('\n');
    b.append("- Quarantined rows naming this experiment: ")
        .append(Format.count(r.quarantinedRows()));
    long unknown = r.quarantineUnknownVersion().values().stream().mapToLong(Long::longValue).sum();
    if (unknown > 0) {
      b.append(" (")
          .append(Format.count(unknown))
          .append(" of them name an unknown version of ")
          .append(md(d.key()))
          .append(": ")
          .append(md(String.join(", ", r.unknownVersions())))
          .append(")");
    }
    b.append('\n');
    long imbalanced = r.covariates().stream().filter(ExperimentReport.Covariate::flagged).count();
    b.append("- Covariate imbalance flags: ").append(imbalanced).append("\n\n");
    b.append("## Metrics\n\n");
    b.append(
        "| metric | role | arm | control | treatment | lift | lift CI | p | p adj. | verdict |\n");
    b.append("| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |\n");
    for (ExperimentReport.MetricRow m : r.metrics()) {
      List<String> cells = new ArrayList<>();
      cells.add(m.metric());
      cells.add(m.role());
      cells.add(m.arm());
      cells.add(estimate(m.estimateControl(), m.estimateControlAdjusted()));
      cells.add(estimate(m.estimateTreatment(), m.estimateTreatmentAdjusted()));
      cells.add(Format.pct(m.relativeEffect()));
      cells.add(Format.interval(m.relativeCiLower(), m.relativeCiUpper(), Format::pct));
      cells.add(Format.p(m.pValue()));
      cells.add(Format.p(m.pValueAdjusted()));
      cells.add(
          m.guardrailStatus() != null
              ? m.guardrailStatus()
              : m.error() != null ? "not computable: " + m.error() : "");
      b.append("| ")
          .append(String.join(" | ", cells.stream().map(Format::md).toList()))
          .append(" |\n");
    }
    if (r.metrics().stream().anyMatch(m -> MetricKind.QUANTILE.yaml.equals(m.kind()))) {
      b.append(
          "\ncontrol, treatment: for a quantile metric, each arm's quantile (such as its median)"
              + " as measured; lift compares the quantiles.\n");
    }
    if (r.metrics().stream().anyMatch(m -> m.estimateControlAdjusted() != null)) {
      b.append(
          "\ncontrol, treatment: each arm's mean as measured; for CUPED metrics the CUPED-adjusted"
              + " mean follows in parentheses, and lift and p compare the adjusted means.\n");
    }
    b.append("\n_run ")
        .append(md(r.run().runId()))
        .append(" · assay ")
        .append(md(r.run().appVersion()))
        .append(" (")
        .append(md(r.run().gitCommit()))
        .append(")_\n");
    return b.toString();
  }
}
