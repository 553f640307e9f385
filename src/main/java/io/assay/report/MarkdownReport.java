package io.assay.report;

import static io.assay.report.Format.md;

import io.assay.config.ExperimentDefinition;
import java.util.ArrayList;
import java.util.List;

/** The report for chat and pull requests: decision, health and the metrics table in Markdown. */
public final class MarkdownReport {
  private MarkdownReport() {}

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
    b.append("- Sample ratio: ")
        .append(
            srm == null
                ? "not checked"
                : srm.flagged()
                    ? "**mismatch** (adjusted p " + Format.p(srm.pValueAdjusted()) + ")"
                    : "ok (adjusted p " + Format.p(srm.pValueAdjusted()) + ")")
        .append('\n');
    for (ExperimentReport.Check c : r.srm()) {
      if (c.flagged() && !c.sliceType().equals("overall")) {
        b.append("  - ").append(md(c.message())).append('\n');
      }
    }
    b.append("- Reconciliation match rate: ").append(Format.share(r.matchRate())).append('\n');
    long q = r.quarantine().values().stream().mapToLong(Long::longValue).sum();
    b.append("- Quarantined rows naming this experiment: ").append(Format.count(q)).append('\n');
    long flagged = r.covariates().stream().filter(ExperimentReport.Covariate::flagged).count();
    b.append("- Covariate imbalance flags: ").append(flagged).append("\n\n");
    b.append("## Metrics\n\n");
    b.append(
        "| metric | role | arm | control | treatment | lift | lift CI | p | p adj. | verdict |\n");
    b.append("| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |\n");
    for (ExperimentReport.MetricRow m : r.metrics()) {
      List<String> cells = new ArrayList<>();
      cells.add(m.metric());
      cells.add(m.role());
      cells.add(m.arm());
      cells.add(Format.num(m.estimateControl()));
      cells.add(Format.num(m.estimateTreatment()));
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
