package io.assay.metrics;

import io.assay.config.AnalysisSettings;
import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricDefinition;
import io.assay.io.OutputTables;
import io.assay.stats.ErrorCode;
import io.assay.stats.Inference;
import io.assay.stats.MetricAnalysis;
import io.assay.stats.MetricMoments;
import io.assay.stats.PValueAdjustment;
import io.assay.stats.QuantileSketch;
import io.assay.stats.decision.DecisionRule;
import io.assay.stats.decision.GuardrailResult;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns the sufficient statistics of one experiment version into {@code metric_results} rows on the
 * driver: one statistics request per metric × segment (the same {@link MetricAnalysis} code path as
 * {@code assay stats}), then multiple-testing adjustment over the declared families of the
 * whole-experiment segment — primary metrics × treatment arms, secondary metrics × treatment arms,
 * guardrails × treatment arms, each family on its own with the experiment's correction. Segment
 * rows are exploratory and carry no adjusted p-value; segments below the privacy minimum cell size
 * are suppressed (their numbers are null).
 */
public final class MetricResults {
  /** Columns blanked in a suppressed segment row. */
  private static final List<String> SUPPRESSED =
      List.of(
          "n_control",
          "n_treatment",
          "estimate_control",
          "estimate_treatment",
          "estimate_control_adjusted",
          "estimate_treatment_adjusted",
          "effect",
          "se",
          "ci_lower",
          "ci_upper",
          "p_value",
          "df",
          "relative_effect",
          "relative_se",
          "relative_ci_lower",
          "relative_ci_upper",
          "relative_p_value",
          "cuped_theta",
          "variance_reduction",
          "mde_absolute",
          "mde_relative",
          "achieved_power",
          "required_n_control",
          "required_n_treatment",
          "days_left",
          "sequential_p_value",
          "sequential_ci_lower",
          "sequential_ci_upper",
          "chance_to_beat_control",
          "expected_loss",
          "guardrail_status");

  /**
   * Sufficient statistics of one arm of one metric in one segment: its moments and, for a quantile
   * metric, its sketch (null otherwise).
   */
  public record ArmStats(String arm, MetricMoments moments, QuantileSketch sketch) {
    public ArmStats(String arm, MetricMoments moments) {
      this(arm, moments, null);
    }

    public long n() {
      return moments.n();
    }
  }

  /** A metric in a segment: its arms' statistics. */
  public record Cell(String metric, String segmentKey, String segmentValue, List<ArmStats> arms) {}

  /**
   * One analysed comparison before rendering (kept for the decision rule).
   *
   * @param overflow the cell's sums were not finite: it was analysed on zeros and only its unit
   *     counts are reported, with {@link ErrorCode#OVERFLOW}
   */
  public record Analysed(
      Cell cell,
      MetricDefinition metric,
      String role,
      MetricAnalysis.Result result,
      MetricAnalysis.ArmResult arm,
      boolean overflow) {
    /** The comparison's error code, {@link ErrorCode#OVERFLOW} first. */
    public ErrorCode error() {
      return overflow ? ErrorCode.OVERFLOW : arm.comparison().error();
    }
  }

  private MetricResults() {}

  /**
   * Analyses every cell of one experiment version.
   *
   * @param caps cap value of each capped metric (null entries for uncapped)
   * @param enrollmentPerDay units enrolled per day over all arms, for days-left, or null
   * @param minCellSize segments with fewer units in an arm are suppressed
   */
  public static List<Analysed> analyse(
      ExperimentDefinition e,
      Map<String, MetricDefinition> metrics,
      List<Cell> cells,
      Double enrollmentPerDay) {
    List<Analysed> out = new ArrayList<>();
    for (Cell cell : cells) {
      MetricDefinition m = metrics.get(cell.metric());
      if (cell.arms().stream().noneMatch(s -> s.arm().equals(e.control()))) {
        continue; // no control units in this segment: nothing to compare with
      }
      // Sums that overflowed (values around 1e154 or more) cannot be analysed: the statistics
      // are computed on zeros so the row keeps its unit counts, and carry OVERFLOW.
      boolean overflow = cell.arms().stream().anyMatch(a -> !a.moments().finite());
      Cell analysedCell =
          overflow
              ? new Cell(
                  cell.metric(),
                  cell.segmentKey(),
                  cell.segmentValue(),
                  cell.arms().stream()
                      .map(a -> new ArmStats(a.arm(), a.moments().countsOnly(), a.sketch()))
                      .toList())
              : cell;
      MetricAnalysis.Request req = request(e, m, analysedCell, enrollmentPerDay);
      MetricAnalysis.Result r = MetricAnalysis.compute(req);
      for (MetricAnalysis.ArmResult arm : r.arms()) {
        out.add(new Analysed(cell, m, e.metrics().roleOf(m.name()), r, arm, overflow));
      }
    }
    return out;
  }

  static MetricAnalysis.Request request(
      ExperimentDefinition e, MetricDefinition m, Cell cell, Double enrollmentPerDay) {
    AnalysisSettings a = e.analysis();
    MetricKinds kind = MetricKinds.of(m.kind());
    boolean cuped = a.cuped() && m.cupedWindow().isPresent() && kind.cupedApplies();
    List<MetricAnalysis.Arm> arms = new ArrayList<>();
    Double quantile = m.quantile().map(q -> q.level()).orElse(null);
    // Every arm of the definition, in definition order; an arm without units is empty.
    for (String armKey : e.armKeys()) {
      ArmStats s =
          cell.arms().stream()
              .filter(x -> x.arm().equals(armKey))
              .findFirst()
              .orElse(new ArmStats(armKey, MetricMoments.EMPTY));
      QuantileSketch sketch = s.sketch();
      if (quantile != null && sketch == null) {
        sketch = QuantileSketch.empty(m.quantile().get().accuracy());
      }
      arms.add(new MetricAnalysis.Arm(armKey, s.moments(), sketch));
    }
    return new MetricAnalysis.Request(
        kind.test(),
        a.alpha(),
        a.alternative(),
        cuped,
        e.control(),
        arms,
        PValueAdjustment.NONE,
        a.mde().get(m.name()),
        a.power(),
        a.minUnitsPerArm(),
        m.increaseIsGood(),
        a.sequential() ? new MetricAnalysis.Sequential(null, null) : null,
        enrollmentPerDay,
        quantile);
  }

  /**
   * Adjusted p-values over the families of the whole-experiment segment: each role's metrics ×
   * treatment arms, with the experiment's correction. Returns one value per analysed comparison
   * (null outside the whole-experiment segment).
   */
  public static List<Double> adjust(ExperimentDefinition e, List<Analysed> analysed) {
    PValueAdjustment correction = e.analysis().correction();
    List<Double> out = new ArrayList<>();
    analysed.forEach(x -> out.add(null));
    for (String role : List.of("primary", "secondary", "guardrail")) {
      List<Integer> idx = new ArrayList<>();
      List<Double> p = new ArrayList<>();
      for (int i = 0; i < analysed.size(); i++) {
        Analysed x = analysed.get(i);
        if (x.role().equals(role) && x.cell().segmentKey().equals("all")) {
          idx.add(i);
          p.add(x.arm().comparison().absolute().pValue());
        }
      }
      List<Double> adj = correction.adjust(p);
      for (int j = 0; j < idx.size(); j++) {
        out.set(idx.get(j), adj.get(j));
      }
    }
    return out;
  }

  /** The guardrail's non-inferiority status on the relative scale, or null for other roles. */
  public static String guardrailStatus(Analysed x) {
    if (!x.role().equals("guardrail") || x.metric().nonInferiorityMargin().isEmpty()) {
      return null;
    }
    return DecisionRule.status(guardrail(x)).name().toLowerCase(java.util.Locale.ROOT);
  }

  public static GuardrailResult guardrail(Analysed x) {
    Inference rel = x.arm().comparison().relative();
    return new GuardrailResult(
        x.metric().name(),
        rel.ciLower(),
        rel.ciUpper(),
        x.metric().nonInferiorityMargin().orElse(0.0),
        x.metric().increaseIsGood(),
        x.arm().comparison().error());
  }

  /** Renders analysed comparisons as {@code metric_results} rows. */
  public static List<Row> rows(
      LocalDate date,
      ExperimentDefinition e,
      List<Analysed> analysed,
      List<Double> adjusted,
      Map<String, Double> capValues,
      int minCellSize) {
    AnalysisSettings a = e.analysis();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < analysed.size(); i++) {
      Analysed x = analysed.get(i);
      MetricAnalysis.ArmResult r = x.arm();
      var c = r.comparison();
      long nc = x.result().control().y().n();
      long nt = r.arm().y().n();
      boolean suppressed = !x.cell().segmentKey().equals("all") && Math.min(nc, nt) < minCellSize;
      Inference abs = c.absolute();
      Inference rel = c.relative();
      var pw = r.power();
      var seq = r.sequential();
      Map<String, Object> v = new java.util.LinkedHashMap<>();
      v.put("date", Date.valueOf(date));
      v.put("experiment", e.key());
      v.put("version", e.version().toString());
      v.put("metric", x.metric().name());
      v.put("metric_kind", x.metric().kind().yaml);
      v.put("role", x.role());
      v.put("segment_key", x.cell().segmentKey());
      v.put("segment_value", x.cell().segmentValue());
      v.put("arm", r.arm().name());
      v.put("control_arm", e.control());
      v.put("n_control", nc);
      v.put("n_treatment", nt);
      // With CUPED the comparison's arm summaries are the adjusted means; the plain estimates are
      // the arms' own means (the metric's value as measured), stored beside them.
      boolean cuped = x.result().request().cuped();
      Double control = c.control() == null ? null : c.control().mean();
      Double treatment = c.treatment() == null ? null : c.treatment().mean();
      // (Boxed on purpose: a conditional mixing double and a null Double would unbox the null.)
      Double measuredControl =
          cuped && control != null ? x.result().estimate(x.result().control()) : control;
      Double measuredTreatment =
          cuped && treatment != null ? x.result().estimate(r.arm()) : treatment;
      v.put("estimate_control", measuredControl);
      v.put("estimate_treatment", measuredTreatment);
      v.put("estimate_control_adjusted", cuped ? control : null);
      v.put("estimate_treatment_adjusted", cuped ? treatment : null);
      v.put("effect", abs.effect());
      v.put("se", abs.se());
      v.put("ci_lower", abs.ciLower());
      v.put("ci_upper", abs.ciUpper());
      v.put("p_value", abs.pValue());
      v.put("p_value_adjusted", adjusted.get(i));
      v.put("df", abs.df());
      v.put("relative_effect", rel.effect());
      v.put("relative_se", rel.se());
      v.put("relative_ci_lower", rel.ciLower());
      v.put("relative_ci_upper", rel.ciUpper());
      v.put("relative_p_value", rel.pValue());
      v.put("cuped", cuped);
      v.put(
          "cuped_theta", x.result().adjustment() == null ? null : x.result().adjustment().theta());
      v.put("variance_reduction", r.varianceReduction());
      v.put("cap_value", capValues.get(x.metric().name()));
      v.put("mde_target", a.mde().get(x.metric().name()));
      v.put("mde_absolute", pw.mdeAbsolute());
      v.put("mde_relative", pw.mdeRelative());
      v.put("achieved_power", pw.achievedPower());
      v.put("required_n_control", pw.requiredNControl());
      v.put("required_n_treatment", pw.requiredNTreatment());
      v.put("days_left", pw.daysLeft());
      v.put("sequential_p_value", seq == null ? null : seq.pValue());
      v.put("sequential_ci_lower", seq == null ? null : seq.ciLower());
      v.put("sequential_ci_upper", seq == null ? null : seq.ciUpper());
      v.put("chance_to_beat_control", r.absolutePosterior().chanceToBeatControl());
      v.put("expected_loss", r.absolutePosterior().expectedLoss());
      v.put("guardrail_margin", x.metric().nonInferiorityMargin().orElse(null));
      v.put("guardrail_status", guardrailStatus(x));
      v.put("error", x.error() == null ? null : x.error().label());
      v.put("suppressed", suppressed);
      v.put("alpha", a.alpha());
      v.put("alternative", a.alternative().label);
      v.put("correction", a.correction().label);
      if (x.overflow()) {
        for (String k : SUPPRESSED) {
          if (!k.equals("n_control") && !k.equals("n_treatment")) {
            v.put(k, null);
          }
        }
        v.put("p_value_adjusted", null);
        v.put("cuped_theta", null);
        v.put("variance_reduction", null);
        v.put("guardrail_status", null);
      }
      if (suppressed) {
        // A small segment shows only that it exists.
        for (String k : SUPPRESSED) {
          v.put(k, null);
        }
      }
      Object[] values = new Object[OutputTables.METRIC_RESULTS.columns().fields().length];
      for (int k = 0; k < values.length; k++) {
        String name = OutputTables.METRIC_RESULTS.columns().fields()[k].name();
        if (!v.containsKey(name)) {
          throw new IllegalStateException("metric_results column without a value: " + name);
        }
        Object o = v.get(name);
        values[k] = o instanceof Double d && !Double.isFinite(d) ? null : o;
      }
      rows.add(RowFactory.create(values));
    }
    return rows;
  }
}
