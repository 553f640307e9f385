package io.assay.assignment;

import static io.assay.assignment.GrowthBookSpecCases.COMPARED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.assay.assignment.GrowthBookSpecCases.Check;
import io.assay.assignment.GrowthBookSpecCases.Section;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * GrowthBook's cross-SDK spec cases (cases.json, spec 0.8.0: {@code evalCondition}, {@code run},
 * {@code feature}; and the 48 hash-only {@code run} cases of growthbook-run-assignments.json)
 * through {@code assay import growthbook} → the definition files it writes → {@link Assigner} (what
 * {@code assay explain} prints), compared with GrowthBook's expected results.
 *
 * <p>{@link GrowthBookSpecCases} turns each case into a features payload, imported into a
 * configuration directory of its own. Every case is either compared, or set aside for a stated
 * reason: the import refuses it (the reason is its error), or the case needs what a definition does
 * not hold (SDK context such as forced variations or QA mode, experiment fields that are not
 * feature-rule fields, attributes that are lists, no hash value). The counts per reason are pinned,
 * so a change in what the import expresses shows up here. {@code
 * reconcile.GrowthBookSparkConformanceTest} decides the same checks with the Spark twin.
 */
class GrowthBookImportConformanceTest {

  /** Decides every check of a section with the assigner; returns the section's reasons. */
  private static Map<String, Integer> throughAssigner(Section s) {
    for (Check c : s.checks()) {
      Decision d = c.decide();
      assertEquals(c.armIndex(d.arm()), d.armIndex(), c.name() + ": " + d);
      c.verify(d.status(), d.arm());
    }
    System.out.println(s.name() + " through import: " + s.reasons());
    return s.reasons();
  }

  @Test
  void evalConditionCasesThroughImportAndAssigner() {
    Section s = GrowthBookSpecCases.evalCondition();
    Map<String, Integer> reasons = throughAssigner(s);
    assertEquals(248, s.total());
    Map<String, Integer> expected = new TreeMap<>();
    expected.put(COMPARED, 52);
    expected.put("attribute typed unlike the value it is compared with", 2);
    expected.put("attributes hold a list", 10);
    expected.put("refused: equality with a list", 5);
    expected.put("refused: equality with an object", 4);
    expected.put("refused: expected a list", 2);
    expected.put("unsupported operator $all", 4);
    expected.put("unsupported operator $alli", 5);
    expected.put("unsupported operator $elemMatch", 11);
    expected.put("unsupported operator $groups", 2);
    expected.put("unsupported operator $inGroup", 5);
    expected.put("unsupported operator $ini", 8);
    expected.put("unsupported operator $nini", 7);
    expected.put("unsupported operator $notInGroup", 3);
    expected.put("unsupported operator $regex", 13);
    expected.put("unsupported operator $regexi", 3);
    expected.put("unsupported operator $regx", 1);
    expected.put("unsupported operator $size", 9);
    expected.put("unsupported operator $type", 12);
    expected.put("unsupported operator $veq", 15);
    expected.put("unsupported operator $vgt", 48);
    expected.put("unsupported operator $vgte", 9);
    expected.put("unsupported operator $vlt", 16);
    expected.put("unsupported operator $vne", 2);
    assertEquals(expected, reasons);
  }

  @Test
  void runCasesThroughImportAndAssigner() {
    Section s = GrowthBookSpecCases.run();
    Map<String, Integer> reasons = throughAssigner(s);
    assertEquals(73, s.total());
    Map<String, Integer> expected = new TreeMap<>();
    expected.put(COMPARED, 47);
    expected.put("SDK context 'enabled'", 1);
    expected.put("SDK context 'features'", 2);
    expected.put("SDK context 'forcedVariations'", 1);
    expected.put("SDK context 'qaMode'", 2);
    expected.put("SDK context 'savedGroups'", 1);
    expected.put("SDK context 'url'", 1);
    expected.put("experiment-only field 'active'", 3);
    expected.put("experiment-only field 'force'", 4);
    expected.put("fewer than two variations (skipped; GrowthBook assigns no unit)", 1);
    expected.put("no hash value (GrowthBook assigns no unit; nothing is logged)", 4);
    expected.put("refused: explicit bucket ranges", 3);
    expected.put("refused: filters", 3);
    assertEquals(expected, reasons);
  }

  @Test
  void the48HashOnlyRunCasesThroughImportAndAssigner() {
    Section s = GrowthBookSpecCases.runAssignments();
    Map<String, Integer> reasons = throughAssigner(s);
    Map<String, Integer> expected = new TreeMap<>();
    expected.put(COMPARED, 43);
    expected.put("fewer than two variations (skipped; GrowthBook assigns no unit)", 1);
    expected.put("no hash value (GrowthBook assigns no unit; nothing is logged)", 4);
    assertEquals(expected, reasons);
    assertEquals(48, s.total());
  }

  @Test
  void featureCasesThroughImportAndAssigner() {
    Section s = GrowthBookSpecCases.feature();
    Map<String, Integer> reasons = throughAssigner(s);
    assertEquals(55, s.total());
    Map<String, Integer> expected = new TreeMap<>();
    expected.put(COMPARED, 10);
    expected.put("no experiment rule before the rule that decided (forced values, defaults)", 33);
    expected.put("SDK context 'contextualBandits'", 3);
    expected.put("SDK context 'forcedVariations'", 2);
    expected.put("SDK context 'savedGroups'", 2);
    expected.put("refused: explicit bucket ranges", 4);
    expected.put("refused: filters", 1);
    assertEquals(expected, reasons);
  }

  /** The spec files are what this test expects (sizes of the upstream sections). */
  @Test
  void specSectionsAreComplete() {
    assertEquals(248, GrowthBookSpecCases.SPEC.get("evalCondition").size());
    assertEquals(73, GrowthBookSpecCases.SPEC.get("run").size());
    assertEquals(55, GrowthBookSpecCases.SPEC.get("feature").size());
    assertEquals(48, GrowthBookSpecCases.RUN48.get("cases").size());
  }
}
