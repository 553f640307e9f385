package io.assay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricDefinition;
import io.assay.stats.MetricMoments;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code metric_results} rows and the planned-sample rule from hand-made sufficient statistics, on
 * the driver (no Spark): every expected number is worked out by hand below, or by SciPy.
 */
class MetricResultsTest {
  static Conf conf;

  /** Before the end (2026-11-15T00:00Z) and after it. */
  static final LocalDate RUNNING = LocalDate.parse("2026-11-10");

  static final LocalDate ENDED = LocalDate.parse("2026-11-20");

  @BeforeAll
  static void conf() throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    write(dir, "cuped_check", "analysis: {cuped: true, min_units_per_arm: 2}");
    // A 10% relative target on the primary conversion; the weights do not matter to the analysis,
    // which uses the observed allocation.
    write(
        dir,
        "sample_check",
        "analysis: {cuped: false, min_units_per_arm: 2, mde: {conversion: 0.1}}");
    // A target on a secondary metric only: the primary has none.
    write(
        dir,
        "no_target",
        "analysis: {cuped: false, min_units_per_arm: 2, mde: {orders_per_user: 0.1}}");
    // Two treatment arms, so the primary family holds two p-values, under the corrections added
    // in issue 22 (the long name of Benjamini–Yekutieli is accepted).
    String threeArms =
        "  - {key: control, weight: 0.5}\n  - {key: t1, weight: 0.25}\n  - {key: t2, weight: 0.25}";
    write(
        dir, "hochberg_check", threeArms, "analysis: {correction: hochberg, min_units_per_arm: 2}");
    write(
        dir,
        "by_check",
        threeArms,
        "analysis: {correction: benjamini_yekutieli, min_units_per_arm: 2}");
    conf = ConfigLoader.load(dir);
  }

  private static void write(Path dir, String key, String analysis) {
    write(dir, key, "  - {key: control, weight: 0.5}\n  - {key: treatment, weight: 0.5}", analysis);
  }

  private static void write(Path dir, String key, String arms, String analysis) {
    TestConf.write(
        dir,
        "experiments/" + key + "/1.0.0.yaml",
        String.join(
            "\n",
            "key: " + key,
            "version: 1.0.0",
            "owner: qa",
            "hypothesis: hand-made sufficient statistics",
            "salt: " + key,
            "start: 2026-11-01T00:00:00Z",
            "end: 2026-11-15T00:00:00Z",
            "arms:",
            arms,
            "control: control",
            "metrics:",
            key.equals("cuped_check")
                ? "  primary: [revenue]\n  secondary: [orders_per_user]"
                : "  primary: [conversion]\n  secondary: [orders_per_user]",
            analysis,
            ""));
  }

  static ExperimentDefinition experiment(String key) {
    return conf.experiment(key, "1.0.0").orElseThrow();
  }

  /** {@code sums}: Σy, Σy², Σd, Σd², Σyd, Σp, Σp², Σyp. */
  static MetricResults.ArmStats arm(String arm, long n, double... sums) {
    double[] all = new double[8];
    System.arraycopy(sums, 0, all, 0, sums.length);
    return new MetricResults.ArmStats(
        arm, new MetricMoments(n, all[0], all[1], all[2], all[3], all[4], all[5], all[6], all[7]));
  }

  static List<MetricResults.Analysed> analyse(
      ExperimentDefinition e, List<MetricResults.Cell> cells) {
    Map<String, MetricDefinition> metrics = new LinkedHashMap<>();
    for (String m : e.metrics().all()) {
      metrics.put(m, conf.catalog().metric(m).orElseThrow());
    }
    return MetricResults.analyse(e, metrics, cells, null);
  }

  /** The rows as maps from column name to value. */
  static List<Map<String, Object>> rows(ExperimentDefinition e, List<MetricResults.Cell> cells) {
    List<MetricResults.Analysed> analysed = analyse(e, cells);
    List<Row> rows =
        MetricResults.rows(RUNNING, e, analysed, MetricResults.adjust(e, analysed), Map.of(), 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < io.assay.io.OutputTables.METRIC_RESULTS.columns().fields().length; i++) {
        m.put(io.assay.io.OutputTables.METRIC_RESULTS.columns().fields()[i].name(), r.get(i));
      }
      out.add(m);
    }
    return out;
  }

  /**
   * Revenue (mean, CUPED window) on three units per arm, y with its pre-period value x: control (2,
   * 1), (4, 2), (6, 3); treatment (5, 2), (6, 2), (10, 5). By hand: pooled over the six units x̄ =
   * 15/6 = 2.5, Σxy = 100, Cov = (100 − 15·33/6)/5 = 3.5, Var(x) = (47 − 15²/6)/5 = 1.9, θ =
   * 3.5/1.9 = 35/19. Raw means 4 and 7; adjusted 4 − θ(2 − 2.5) = 187/38 and 7 − θ(3 − 2.5) =
   * 231/38; the effect 44/38 = 22/19 (raw: 3), the lift 231/187 − 1.
   */
  @Test
  void cupedRowsStoreTheMeasuredAndTheAdjustedEstimates() {
    ExperimentDefinition e = experiment("cuped_check");
    List<MetricResults.Cell> cells =
        List.of(
            new MetricResults.Cell(
                "revenue",
                "all",
                "all",
                List.of(
                    arm("control", 3, 12, 56, 0, 0, 0, 6, 14, 28),
                    arm("treatment", 3, 21, 161, 0, 0, 0, 9, 33, 72))),
            // orders_per_user has no CUPED window: no adjusted estimates.
            new MetricResults.Cell(
                "orders_per_user",
                "all",
                "all",
                List.of(arm("control", 3, 3, 5), arm("treatment", 3, 6, 14))));
    List<Map<String, Object>> rows = rows(e, cells);
    Map<String, Object> revenue = rows.get(0);
    assertEquals("revenue", revenue.get("metric"));
    assertEquals(Boolean.TRUE, revenue.get("cuped"));
    assertEquals(35.0 / 19, (Double) revenue.get("cuped_theta"), 1e-12);
    assertEquals(4.0, (Double) revenue.get("estimate_control"), 1e-12);
    assertEquals(7.0, (Double) revenue.get("estimate_treatment"), 1e-12);
    assertEquals(187.0 / 38, (Double) revenue.get("estimate_control_adjusted"), 1e-12);
    assertEquals(231.0 / 38, (Double) revenue.get("estimate_treatment_adjusted"), 1e-12);
    assertEquals(22.0 / 19, (Double) revenue.get("effect"), 1e-12);
    assertEquals(231.0 / 187 - 1, (Double) revenue.get("relative_effect"), 1e-12);

    Map<String, Object> orders = rows.get(1);
    assertEquals(Boolean.FALSE, orders.get("cuped"));
    assertEquals(1.0, (Double) orders.get("estimate_control"), 1e-12);
    assertEquals(2.0, (Double) orders.get("estimate_treatment"), 1e-12);
    assertNull(orders.get("estimate_control_adjusted"));
    assertNull(orders.get("estimate_treatment_adjusted"));
  }

  /**
   * Arms too small to compare (one unit each, below min_units_per_arm 2): every estimate is null,
   * with and without CUPED, and the row is still written.
   */
  @Test
  void tooSmallArmsHaveNoEstimatesWithOrWithoutCuped() {
    ExperimentDefinition e = experiment("cuped_check");
    List<MetricResults.Cell> cells =
        List.of(
            new MetricResults.Cell(
                "revenue",
                "all",
                "all",
                List.of(
                    arm("control", 1, 2, 4, 0, 0, 0, 1, 1, 2),
                    arm("treatment", 1, 5, 25, 0, 0, 0, 2, 4, 10))),
            new MetricResults.Cell(
                "orders_per_user",
                "all",
                "all",
                List.of(arm("control", 1, 1, 1), arm("treatment", 1, 2, 4))));
    for (Map<String, Object> row : rows(e, cells)) {
      assertEquals("too_few_units", row.get("error"), "" + row);
      for (String c :
          List.of(
              "estimate_control",
              "estimate_treatment",
              "estimate_control_adjusted",
              "estimate_treatment_adjusted")) {
        assertNull(row.get(c), c + " of " + row.get("metric"));
      }
    }
  }

  /**
   * The experiment's correction reaches the primary family (conversion × t1, t2). t1: 12/18 against
   * 6/18 gives Z = 2 exactly (ProportionZTestTest), p₁ = 2Φ(−2) = 0.04550026389635842; t2: 12/19,
   * p₂ ≈ 0.0697, between p₁ and 2p₁. By hand, Hochberg: decreasing p₂ (i = 2, ×1), p₁ (i = 1, ×2):
   * cummin(p₂, 2p₁) = (p₂, p₂), where Holm would give (2p₁, 2p₁). BY: q = 3/2; (3/2)·p₂ and
   * (3/2)·2·p₁ = 3p₁ > (3/2)p₂ → both (3/2)·p₂.
   */
  @Test
  void hochbergAndBenjaminiYekutieliFromTheDefinition() {
    List<MetricResults.Cell> cells =
        List.of(
            new MetricResults.Cell(
                "conversion",
                "all",
                "all",
                List.of(arm("control", 18, 6, 6), arm("t1", 18, 12, 12), arm("t2", 19, 12, 12))));
    ExperimentDefinition hochberg = experiment("hochberg_check");
    assertEquals(io.assay.stats.PValueAdjustment.HOCHBERG, hochberg.analysis().correction());
    List<Map<String, Object>> h = rows(hochberg, cells);
    assertEquals(0.04550026389635842, (Double) h.get(0).get("p_value"), 1e-12);
    double p2 = (Double) h.get(1).get("p_value");
    assertTrue(p2 > 0.0455 && p2 < 2 * 0.0455, "p₂ = " + p2);
    assertEquals(p2, (Double) h.get(0).get("p_value_adjusted"), 1e-15);
    assertEquals(p2, (Double) h.get(1).get("p_value_adjusted"), 1e-15);

    ExperimentDefinition by = experiment("by_check");
    assertEquals(io.assay.stats.PValueAdjustment.BENJAMINI_YEKUTIELI, by.analysis().correction());
    List<Map<String, Object>> b = rows(by, cells);
    assertEquals(1.5 * p2, (Double) b.get(0).get("p_value_adjusted"), 1e-15);
    assertEquals(1.5 * p2, (Double) b.get(1).get("p_value_adjusted"), 1e-15);
  }

  /** Conversion cells: control n_c units with 10% converting, treatment n_t with 10%. */
  static List<MetricResults.Cell> conversion(long nc, long nt) {
    return List.of(
        new MetricResults.Cell(
            "conversion",
            "all",
            "all",
            List.of(
                arm("control", nc, nc / 10.0, nc / 10.0),
                arm("treatment", nt, nt / 10.0, nt / 10.0))));
  }

  /**
   * Twice as many control units as treatment units (k = n_t/n_c = 0.5), p_c = 0.10, target lift 10%
   * (p_t = 0.11), α = 0.05 two-sided, power 0.8, the normal approximation without continuity
   * correction: n_c = ((z_{.975}·√(p̄q̄(1 + 1/k)) + z_{.8}·√(p_c q_c + p_t q_t/k)) / (p_t − p_c))²,
   * p̄ = (p_c + k·p_t)/(1 + k). SciPy 1.17.1 ({@code norm.ppf}): n_c = 22001.071729572763, n_t =
   * k·n_c = 11000.535864786381. The control arm needs more units than the treatment arm.
   */
  static final double REQUIRED_CONTROL = 22001.071729572763;

  static final double REQUIRED_TREATMENT = 11000.535864786381;

  @Test
  void requiredUnitsPerArmMatchTheTextbookFormula() {
    Map<String, Object> row = rows(experiment("sample_check"), conversion(2000, 1000)).get(0);
    assertEquals(0.1, (Double) row.get("mde_target"), 0.0);
    assertEquals(REQUIRED_CONTROL, (Double) row.get("required_n_control"), 1e-3);
    assertEquals(REQUIRED_TREATMENT, (Double) row.get("required_n_treatment"), 1e-3);
  }

  /**
   * docs/schema.md: with a target MDE on a primary metric, the plan is reached when both arms hold
   * their required units — whether or not the experiment has ended; only without a target does the
   * end stand in for the plan.
   */
  @Test
  void plannedSampleReachedFollowsTheTargetsBeforeAndAfterTheEnd() {
    ExperimentDefinition e = experiment("sample_check");
    // 2,000 / 1,000 units: far below 22,002 / 11,001.
    List<MetricResults.Analysed> small = analyse(e, conversion(2000, 1000));
    assertFalse(AnalyzeJob.plannedSampleReached(e, "treatment", small, RUNNING));
    assertFalse(
        AnalyzeJob.plannedSampleReached(e, "treatment", small, ENDED),
        "the end does not reach a sample size the target requires");
    // 60,000 / 30,000 units: well above it, before the end too.
    List<MetricResults.Analysed> large = analyse(e, conversion(60000, 30000));
    assertTrue(AnalyzeJob.plannedSampleReached(e, "treatment", large, RUNNING));
    assertTrue(AnalyzeJob.plannedSampleReached(e, "treatment", large, ENDED));
    // A primary without its row (no control units in the cell) has not reached anything.
    assertFalse(AnalyzeJob.plannedSampleReached(e, "treatment", List.of(), ENDED));

    // No target on the primary (only on a secondary): the end decides.
    ExperimentDefinition none = experiment("no_target");
    List<MetricResults.Analysed> any = analyse(none, conversion(2000, 1000));
    assertFalse(AnalyzeJob.plannedSampleReached(none, "treatment", any, RUNNING));
    assertTrue(AnalyzeJob.plannedSampleReached(none, "treatment", any, ENDED));
  }

  /**
   * The decision after the end with the target not reached is final (the end is a declared
   * horizon), and says the result is underpowered; before the end it keeps running.
   */
  @Test
  void anUnderpoweredEndedExperimentGetsAFinalDecisionThatSaysSo() {
    ExperimentDefinition e = experiment("sample_check");
    List<MetricResults.Analysed> small = analyse(e, conversion(2000, 1000));
    List<Double> adjusted = MetricResults.adjust(e, small);
    AnalyzeJob.Validity valid = new AnalyzeJob.Validity(Map.of(), Map.of());
    var running = AnalyzeJob.decide(e, "treatment", small, adjusted, valid, RUNNING);
    assertEquals("KEEP_RUNNING", running.decision().name());
    var ended = AnalyzeJob.decide(e, "treatment", small, adjusted, valid, ENDED);
    assertEquals("DONT_SHIP", ended.decision().name(), ended.toString());
    assertTrue(
        ended.reasons().stream().anyMatch(r -> r.contains("underpowered")), ended.toString());
  }
}
