package io.assay.report;

import static io.assay.report.Format.html;

import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricKind;
import io.assay.stats.PValueAdjustment;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-contained HTML pages: CSS and SVG inline, no script, no network. Cells that show a number
 * from {@code metric_results} carry {@code data-metric}, {@code data-arm} and {@code data-field}
 * attributes, so a test can compare what the page shows with the table.
 */
public final class HtmlReport {
  static final String CSS =
      """
      body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1400px;color:#222;padding:0 1rem}
      h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
      table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}
      th,td{border-bottom:1px solid #eee;padding:.3rem .3rem;text-align:right;vertical-align:top}
      td[data-field]{white-space:nowrap}td.verdict,td[data-field=n]{white-space:normal}td.verdict{min-width:6rem}.ci,.adj{white-space:normal}
      .scroll{overflow-x:auto;max-width:100%}
      th:first-child,td:first-child,td.l,th.l{text-align:left}
      th{background:#f6f6f6}.muted{color:#777}.small{font-size:.8rem}
      .badge{display:inline-block;padding:.15rem .5rem;border-radius:.3rem;font-weight:600;font-size:.85rem;color:#fff}
      .ship{background:#2e7d32}.dont_ship{background:#c62828}.keep_running{background:#f9a825;color:#222}.invalid{background:#6a1b9a}.none{background:#999}
      .ok{color:#2e7d32}.bad{color:#c62828;font-weight:600}.warn{color:#b26a00}
      .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
      .card{border:1px solid #e3e3e3;border-radius:.4rem;padding:.6rem .8rem}
      svg.chart{max-width:100%;height:auto;font-family:inherit}
      footer{margin-top:3rem;font-size:.75rem;color:#666;border-top:1px solid #ddd;padding-top:.5rem}
      details summary{cursor:pointer;color:#1f5fa8}
      """;

  private HtmlReport() {}

  private static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + html(title)
        + "</title><style>"
        + CSS
        + "</style></head><body>\n"
        + body
        + "\n</body></html>\n";
  }

  /** The index page: every experiment with its status. */
  public static String index(LocalDate date, List<ExperimentReport> reports) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>assay — experiments as of ").append(date).append("</h1>");
    if (reports.isEmpty()) {
      b.append("<p class=\"muted\">No experiment has results for this date.</p>");
    }
    b.append("<table><tr><th class=\"l\">experiment</th><th class=\"l\">owner</th>")
        .append(
            "<th class=\"l\">status</th><th>units</th><th>match rate</th><th class=\"l\">SRM</th></tr>");
    for (ExperimentReport r : reports) {
      ExperimentDefinition d = r.definition();
      long units = r.decisions().isEmpty() ? 0 : r.decisions().get(0).enrolledUnits();
      b.append("<tr><td><a href=\"")
          .append(html(file(d)))
          .append(".html\">")
          .append(html(d.id()))
          .append("</a></td><td class=\"l\">")
          .append(html(d.owner()))
          .append("</td><td class=\"l\">");
      for (ExperimentReport.Decision x : r.decisions()) {
        b.append(badge(x.decision())).append(' ').append(html(x.arm())).append(' ');
      }
      b.append("</td><td>")
          .append(Format.count(units))
          .append("</td><td>")
          .append(Format.share(r.matchRate()))
          .append("</td><td class=\"l\" data-field=\"srm\">")
          .append(srmStatus(r))
          .append("</td></tr>");
    }
    b.append("</table>");
    b.append(
        "<p class=\"small muted\">Each report is also available as JSON (.json) and Markdown (.md).</p>");
    return page("assay experiments " + date, b.toString());
  }

  /** The definition's multiple-testing correction (its title names it in the page's prose). */
  private static PValueAdjustment correction(ExperimentDefinition d) {
    return d.analysis().correction();
  }

  /** The file name (without extension) of an experiment's report. */
  public static String file(ExperimentDefinition d) {
    return d.key() + "@" + d.version();
  }

  static String badge(String decision) {
    String cls = decision == null ? "none" : decision;
    return "<span class=\"badge "
        + html(cls)
        + "\">"
        + html(decision == null ? "none" : decision.replace('_', ' '))
        + "</span>";
  }

  /**
   * The experiment's sample-ratio status over every slice: a mismatch when any slice is flagged
   * (naming the slices), else the overall check's verdict. The p-values shown are Holm-adjusted
   * over the version's slices, and say so.
   */
  private static String srmStatus(ExperimentReport r) {
    List<ExperimentReport.Check> flagged = r.srmFlagged();
    if (flagged.isEmpty()) {
      return srmVerdict(r.srmOverall());
    }
    List<String> names = new ArrayList<>();
    for (ExperimentReport.Check c : flagged.subList(0, Math.min(3, flagged.size()))) {
      names.add(c.where());
    }
    return "<span class=\"bad\">mismatch in "
        + flagged.size()
        + (flagged.size() == 1 ? " slice" : " slices")
        + "</span><br><span class=\"small\">"
        + html(String.join("; ", names) + (flagged.size() > names.size() ? "; …" : ""))
        + " (lowest Holm-adjusted p "
        + Format.p(flagged.get(0).pValueAdjusted())
        + ")</span>";
  }

  /** One SRM check's verdict, with its Holm-adjusted p-value labelled as such. */
  private static String srmVerdict(ExperimentReport.Check srm) {
    if (srm == null) {
      return "<span class=\"muted\">not checked</span>";
    }
    if (srm.skippedReason() != null) {
      return "<span class=\"warn\">skipped (" + html(srm.skippedReason()) + ")</span>";
    }
    String p = "Holm-adjusted p " + Format.p(srm.pValueAdjusted());
    return srm.flagged()
        ? "<span class=\"bad\">mismatch (" + p + ")</span>"
        : "<span class=\"ok\">ok (" + p + ")</span>";
  }

  /** One experiment's page. */
  public static String experiment(ExperimentReport r) {
    ExperimentDefinition d = r.definition();
    StringBuilder b = new StringBuilder();
    b.append("<p class=\"small\"><a href=\"index.html\">← all experiments</a></p>");
    b.append("<h1>")
        .append(html(d.key()))
        .append(" <span class=\"muted\">v")
        .append(html(d.version().toString()))
        .append("</span></h1>");
    b.append("<p>").append(html(d.hypothesis())).append("</p>");
    b.append("<p class=\"small muted\">owner ")
        .append(html(d.owner()))
        .append(" · ")
        .append(d.start())
        .append(" → ")
        .append(d.end())
        .append(" · arms ");
    List<String> arms = new ArrayList<>();
    d.arms().forEach(a -> arms.add(a.key() + " " + Format.share(a.weight())));
    b.append(html(String.join(", ", arms)))
        .append(" (control ")
        .append(html(d.control()))
        .append(") · as of ")
        .append(r.date())
        .append("</p>");

    b.append("<h2>Decision</h2>");
    for (ExperimentReport.Decision x : r.decisions()) {
      b.append("<div class=\"card\" data-decision-arm=\"")
          .append(html(x.arm()))
          .append("\"><p>")
          .append(badge(x.decision()))
          .append(" <strong>")
          .append(html(x.arm()))
          .append("</strong> vs ")
          .append(html(d.control()))
          .append(" · ")
          .append(Format.count(x.enrolledUnits()))
          .append(" units</p><ul>");
      for (String reason : x.reasons()) {
        b.append("<li>").append(html(reason)).append("</li>");
      }
      b.append("</ul></div>");
    }

    b.append("<h2>Health</h2><div class=\"grid\">");
    b.append(srmCard(r)).append(reconciliationCard(r)).append(covariateCard(r));
    b.append("</div>");

    b.append("<h2>Metrics</h2>")
        .append("<p class=\"small muted\" id=\"metrics-legend\">control, treatment: each arm's")
        .append(" mean (proportion, ratio; for a quantile metric the quantile itself, such as")
        .append(" the median) as measured; for a CUPED metric the CUPED-adjusted")
        .append(" mean is below it, and effect, CI, lift and p compare the adjusted means.")
        .append(
            correction(d) == PValueAdjustment.NONE
                ? " p adj.: p itself (no correction)."
                : " p adj.: "
                    + html(correction(d).title())
                    + "-adjusted over each family (primary, secondary, guardrail metrics × arms).")
        .append(" n needed: units each arm needs for the target MDE (the larger of the two")
        .append(" arms' requirements).</p>")
        .append(metricsTable(r, r.metrics(), true));
    List<Svg.Interval> forest = new ArrayList<>();
    for (ExperimentReport.MetricRow m : r.metrics()) {
      boolean bad =
          "harmed".equals(m.guardrailStatus())
              || (m.pValueAdjusted() != null
                  && m.pValueAdjusted() < d.analysis().alpha()
                  && m.relativeEffect() != null
                  && (m.relativeEffect() > 0) != isIncreaseGood(r, m.metric()));
      forest.add(
          new Svg.Interval(
              m.metric() + " · " + m.arm(),
              m.relativeEffect(),
              m.relativeCiLower(),
              m.relativeCiUpper(),
              bad));
    }
    b.append("<h3 class=\"small\">Relative lift and ")
        .append(Format.share(1 - d.analysis().alpha()))
        .append(" confidence interval</h3>")
        .append(Svg.forest(forest));

    b.append(
            "<h2>Effect over time</h2><p class=\"small muted\">Cumulative relative lift of each primary")
        .append(" metric for the units enrolled through each date, with its interval.</p>");
    for (String metric : d.metrics().primary()) {
      if (r.metrics().stream()
          .anyMatch(m -> m.metric().equals(metric) && QUANTILE.equals(m.kind()))) {
        b.append("<h3 class=\"small\">")
            .append(html(metric))
            .append("</h3><p class=\"muted\">A quantile metric has no series by enrollment date:")
            .append(" its value buckets are kept for all enrolled units together.</p>");
        continue;
      }
      Map<String, List<Svg.Point>> byArm = new LinkedHashMap<>();
      for (ExperimentReport.MetricRow m : r.series()) {
        if (m.metric().equals(metric) && !m.suppressed()) {
          byArm
              .computeIfAbsent(m.arm(), k -> new ArrayList<>())
              .add(
                  new Svg.Point(
                      m.segmentValue(),
                      m.relativeEffect(),
                      m.relativeCiLower(),
                      m.relativeCiUpper()));
        }
      }
      List<Svg.Series> series = new ArrayList<>();
      byArm.forEach((arm, pts) -> series.add(new Svg.Series(arm, pts)));
      b.append("<h3 class=\"small\">")
          .append(html(metric))
          .append("</h3>")
          .append(Svg.lines(series, 0.0, "relative lift", Format::pct));
    }

    b.append("<h2>Daily sample ratio</h2><p class=\"small muted\">Each arm's share of the units")
        .append(" enrolled each day; dashed: the configured weights.</p>");
    Map<String, List<Svg.Point>> shares = new LinkedHashMap<>();
    for (ExperimentReport.Check c : r.srmDaily()) {
      long n = c.observed().values().stream().mapToLong(Long::longValue).sum();
      for (var e : c.observed().entrySet()) {
        shares
            .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
            .add(
                new Svg.Point(
                    c.sliceValue(), n == 0 ? null : (double) e.getValue() / n, null, null));
      }
    }
    List<Svg.Series> shareSeries = new ArrayList<>();
    shares.forEach((arm, pts) -> shareSeries.add(new Svg.Series(arm, pts)));
    b.append(
        Svg.lines(
            shareSeries,
            d.arms().size() == 2 ? d.arms().get(0).weight() : null,
            "arm share",
            Format::share));
    List<String> flaggedDays = new ArrayList<>();
    for (ExperimentReport.Check c : r.srmDaily()) {
      if (c.flagged()) {
        flaggedDays.add(c.sliceValue() + " (Holm-adjusted p " + Format.p(c.pValueAdjusted()) + ")");
      }
    }
    b.append("<p class=\"small\">")
        .append(
            flaggedDays.isEmpty()
                ? "No day is flagged."
                : "<span class=\"bad\">Flagged days: "
                    + html(String.join(", ", flaggedDays))
                    + "</span>")
        .append("</p>");

    b.append("<h2>Segments</h2><details><summary>")
        .append(r.segments().size())
        .append(" segment rows (exploratory; no multiple-testing adjustment)</summary>")
        .append(metricsTable(r, r.segments(), false))
        .append("</details>");

    ExperimentReport.RunInfo run = r.run();
    b.append("<footer>run ")
        .append(html(run.runId()))
        .append(" · started ")
        .append(html(run.startedAt()))
        .append(" · assay ")
        .append(html(run.appVersion()))
        .append(" (commit ")
        .append(html(run.gitCommit()))
        .append(") · Spark ")
        .append(html(run.sparkVersion()))
        .append(" · Delta ")
        .append(html(run.deltaVersion()))
        .append(" · Java ")
        .append(html(run.javaVersion()))
        .append("<br>definition ")
        .append(html(d.id()))
        .append(" sha256 ")
        .append(html(d.sha256()))
        .append(" · hash scheme ")
        .append(html(d.hash().yaml))
        .append(" · ")
        .append(html(correction(d).title()))
        .append(" correction · reproduce with <code>jobs/assay reproduce --run-id ")
        .append(html(run.runId()))
        .append("</code></footer>");
    return page(d.id() + " as of " + r.date(), b.toString());
  }

  /** {@code metric_kind} of a quantile metric. */
  private static final String QUANTILE = MetricKind.QUANTILE.yaml;

  private static boolean isIncreaseGood(ExperimentReport r, String metric) {
    return r.increaseIsGood().getOrDefault(metric, true);
  }

  /** Slices listed by name on the SRM card; the rest are counted. */
  static final int SRM_SLICES_SHOWN = 8;

  /**
   * The SRM card: the status over every slice (a flagged stratum, day or source is a mismatch even
   * when the whole experiment is not flagged), the overall counts and verdict, and each flagged
   * slice by name with what was found.
   */
  private static String srmCard(ExperimentReport r) {
    StringBuilder b =
        new StringBuilder("<div class=\"card\" id=\"srm\"><h3 class=\"small\">Sample ratio</h3>");
    ExperimentReport.Check overall = r.srmOverall();
    List<ExperimentReport.Check> flagged = r.srmFlagged();
    b.append("<p data-field=\"srm_status\">")
        .append(
            flagged.isEmpty()
                ? srmVerdict(overall)
                : "<span class=\"bad\">mismatch in "
                    + flagged.size()
                    + (flagged.size() == 1 ? " slice" : " slices")
                    + "</span>")
        .append("</p>");
    if (overall != null) {
      List<String> parts = new ArrayList<>();
      overall.observed().forEach((arm, n) -> parts.add(arm + " " + Format.count(n)));
      b.append("<p class=\"small\" data-field=\"srm_overall\">overall: ")
          .append(html(String.join(" · ", parts)))
          .append(flagged.isEmpty() ? "" : " — " + srmVerdict(overall))
          .append("</p>");
    }
    if (!flagged.isEmpty()) {
      b.append("<p class=\"small bad\">Flagged slices:</p><ul class=\"small\">");
      for (ExperimentReport.Check c :
          flagged.subList(0, Math.min(SRM_SLICES_SHOWN, flagged.size()))) {
        b.append("<li data-srm-slice=\"")
            .append(html(c.sliceType() + ":" + c.sliceKey() + "=" + c.sliceValue()))
            .append("\"><strong>")
            .append(html(c.where()))
            .append("</strong>: ")
            .append(
                html(
                    c.message() != null
                        ? c.message()
                        : "Holm-adjusted p " + Format.p(c.pValueAdjusted())))
            .append("</li>");
      }
      if (flagged.size() > SRM_SLICES_SHOWN) {
        b.append("<li>and ")
            .append(flagged.size() - SRM_SLICES_SHOWN)
            .append(" more: see <code>balance_checks</code></li>");
      }
      b.append("</ul>");
    }
    return b.append("</div>").toString();
  }

  private static String reconciliationCard(ExperimentReport r) {
    StringBuilder b =
        new StringBuilder(
            "<div class=\"card\" id=\"reconciliation\"><h3 class=\"small\">Reconciliation</h3>");
    b.append("<p>match rate <strong>").append(Format.share(r.matchRate())).append("</strong></p>");
    if (!r.reconciliation().isEmpty()) {
      b.append("<table class=\"small\"><tr><th class=\"l\">category</th><th>count</th></tr>");
      r.reconciliation().entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(
              e ->
                  b.append("<tr><td>")
                      .append(html(e.getKey()))
                      .append(e.getKey().equals("multiple_arms") ? " (units)" : "")
                      .append("</td><td>")
                      .append(Format.count(e.getValue()))
                      .append("</td></tr>"));
      b.append("</table>");
    }
    b.append(
            "<p class=\"small\" data-field=\"quarantined\">quarantined rows naming this experiment: ")
        .append(Format.count(r.quarantinedRows()))
        .append("</p>");
    if (r.quarantinedRows() > 0) {
      b.append("<ul class=\"small\">");
      long own = r.quarantine().values().stream().mapToLong(Long::longValue).sum();
      if (own > 0) {
        b.append("<li>version ")
            .append(html(r.definition().version().toString()))
            .append(": ")
            .append(Format.count(own))
            .append(" (")
            .append(html(reasons(r.quarantine())))
            .append(")</li>");
      }
      long unknown =
          r.quarantineUnknownVersion().values().stream().mapToLong(Long::longValue).sum();
      if (unknown > 0) {
        b.append("<li data-field=\"quarantined_unknown_version\">an unknown version of ")
            .append(html(r.definition().key()))
            .append(" (")
            .append(html(String.join(", ", r.unknownVersions())))
            .append("): ")
            .append(Format.count(unknown))
            .append(" (")
            .append(html(reasons(r.quarantineUnknownVersion())))
            .append(")</li>");
      }
      b.append("</ul>");
    }
    return b.append("</div>").toString();
  }

  private static String reasons(Map<String, Long> byReason) {
    List<String> parts = new ArrayList<>();
    byReason.forEach((k, v) -> parts.add(k + " " + Format.count(v)));
    return String.join(", ", parts);
  }

  private static String covariateCard(ExperimentReport r) {
    StringBuilder b =
        new StringBuilder(
            "<div class=\"card\" id=\"covariates\"><h3 class=\"small\">Covariate balance</h3>");
    if (r.covariates().isEmpty()) {
      return b.append("<p class=\"muted small\">not checked</p></div>").toString();
    }
    List<ExperimentReport.Covariate> flagged =
        r.covariates().stream().filter(ExperimentReport.Covariate::flagged).toList();
    b.append("<p>")
        .append(
            flagged.isEmpty()
                ? "<span class=\"ok\">no imbalance flagged</span>"
                : "<span class=\"bad\">" + flagged.size() + " flagged</span>")
        .append(" <span class=\"small muted\">(")
        .append(r.covariates().size())
        .append(" checks)</span></p>");
    if (!flagged.isEmpty()) {
      b.append("<ul class=\"small\">");
      for (ExperimentReport.Covariate c : flagged) {
        // The covariate and arm by name: the messages alone read alike.
        b.append("<li><strong>")
            .append(html(c.covariate() + (c.arm() == null ? "" : " · " + c.arm())))
            .append("</strong>")
            .append(c.message() != null ? ": " + html(c.message()) : "")
            .append("</li>");
      }
      b.append("</ul>");
    }
    return b.append("</div>").toString();
  }

  /**
   * The metrics table, in a box that scrolls sideways when the window is narrower than the table
   * (every column stays reachable and the page keeps its width). Each interval sits below its
   * estimate, so the table fits a laptop-sized window.
   */
  private static String metricsTable(
      ExperimentReport r, List<ExperimentReport.MetricRow> rows, boolean overall) {
    StringBuilder b =
        new StringBuilder(
            "<div class=\"scroll\"><table class=\"metrics\"><tr><th class=\"l\">metric</th>");
    if (!overall) {
      b.append("<th class=\"l\">segment</th>");
    }
    b.append("<th class=\"l\">arm</th><th>n (c / t)</th><th>control</th><th>treatment</th>")
        .append("<th>effect<br><span class=\"small muted\">CI</span></th>")
        .append("<th>lift<br><span class=\"small muted\">lift CI</span></th><th>p</th>");
    if (overall) {
      b.append("<th>p adj.</th><th>MDE</th><th>power</th><th>n needed</th><th>days left</th>")
          .append("<th class=\"l\">verdict</th>");
    }
    b.append("</tr>");
    for (ExperimentReport.MetricRow m : rows) {
      String key =
          " data-metric=\""
              + html(m.metric())
              + "\" data-arm=\""
              + html(m.arm())
              + "\" data-segment=\""
              + html(m.segmentKey() + "=" + m.segmentValue())
              + "\"";
      b.append("<tr")
          .append(key)
          .append("><td class=\"l\">")
          .append(html(m.metric()))
          .append(" <span class=\"small muted\">")
          .append(html(m.role()))
          .append(m.cuped() ? " · CUPED" : "")
          .append(QUANTILE.equals(m.kind()) ? " · quantile" : "")
          .append("</span></td>");
      if (!overall) {
        b.append("<td class=\"l\">")
            .append(html(m.segmentKey() + " = " + m.segmentValue()))
            .append("</td>");
      }
      b.append("<td class=\"l\">").append(html(m.arm())).append("</td>");
      if (m.suppressed()) {
        b.append("<td colspan=\"")
            .append(overall ? 12 : 6)
            .append(
                "\" class=\"muted l\">suppressed: fewer units than the minimum cell size</td></tr>");
        continue;
      }
      b.append(
              "<td data-field=\"n\">"
                  + html(Format.count(m.nControl()))
                  + " /<wbr> "
                  + html(Format.count(m.nTreatment()))
                  + "</td>")
          .append(estimate("estimate_control", m.estimateControl(), m.estimateControlAdjusted()))
          .append(
              estimate("estimate_treatment", m.estimateTreatment(), m.estimateTreatmentAdjusted()))
          .append(
              withInterval(
                  "effect",
                  Format.num(m.effect()),
                  "ci",
                  Format.interval(m.ciLower(), m.ciUpper(), Format::num)))
          .append(
              withInterval(
                  "relative_effect",
                  Format.pct(m.relativeEffect()),
                  "relative_ci",
                  Format.interval(m.relativeCiLower(), m.relativeCiUpper(), Format::pct)))
          .append(cell("p_value", Format.p(m.pValue())));
      if (overall) {
        String verdict = m.guardrailStatus() != null ? m.guardrailStatus().replace('_', '-') : "";
        if (m.error() != null) {
          verdict =
              (verdict.isEmpty() ? "" : verdict + "; ")
                  + "not computable: "
                  + m.error().replace('_', ' ');
        }
        b.append(cell("p_value_adjusted", Format.p(m.pValueAdjusted())))
            .append(cell("mde_relative", Format.pct(m.mdeRelative())))
            .append(cell("achieved_power", Format.share(m.achievedPower())))
            .append(
                cell(
                    "required_n_per_arm",
                    m.requiredNPerArm() == null
                        ? Format.NONE
                        : Format.count(Math.round(Math.ceil(m.requiredNPerArm())))))
            .append(cell("days_left", Format.num(m.daysLeft())))
            .append("<td class=\"l verdict\" data-field=\"verdict\">")
            .append(html(verdict))
            .append("</td>");
      }
      b.append("</tr>");
    }
    return b.append("</table></div>").toString();
  }

  /** An estimate with its interval below it (the interval may wrap after its comma). */
  private static String withInterval(
      String field, String value, String intervalField, String interval) {
    return "<td data-field=\""
        + field
        + "\">"
        + html(value)
        + "<br><span class=\"small muted ci\" data-field=\""
        + intervalField
        + "\">"
        + html(interval)
        + "</span></td>";
  }

  /**
   * An arm's estimate as measured; below it, for a CUPED metric, the CUPED-adjusted estimate that
   * the effect, interval, lift and p compare.
   */
  private static String estimate(String field, Double measured, Double adjusted) {
    if (adjusted == null) {
      return cell(field, Format.num(measured));
    }
    return "<td data-field=\""
        + field
        + "\">"
        + html(Format.num(measured))
        + "<br><span class=\"small muted adj\" title=\"CUPED-adjusted mean\">CUPED-adj. <span"
        + " data-field=\""
        + field
        + "_adjusted\">"
        + html(Format.num(adjusted))
        + "</span></span></td>";
  }

  private static String cell(String field, String text) {
    return "<td data-field=\"" + field + "\">" + html(text) + "</td>";
  }
}
