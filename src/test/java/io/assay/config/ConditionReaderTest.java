package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Condition.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The eligibility forms added for imported GrowthBook conditions, as YAML reads them. */
class ConditionReaderTest {
  private static final String HEAD =
      """
      key: e
      version: 1.0.0
      owner: o
      hypothesis: h
      salt: e
      start: 2026-11-01
      end: 2026-11-15
      arms: [{key: a, weight: 0.5}, {key: b, weight: 0.5}]
      control: a
      metrics: {primary: [conversion]}
      """;

  private static ExperimentDefinition read(String eligibility, Problems p) {
    return ConfigLoader.parseDefinition(
        HEAD + "eligibility: " + eligibility + "\n", "e/1.0.0.yaml", "e", "1.0.0", p);
  }

  private static Condition condition(String eligibility) {
    Problems p = new Problems();
    ExperimentDefinition d = read(eligibility, p);
    assertTrue(p.errors().isEmpty(), p.errors().toString());
    return d.eligibility();
  }

  private static String error(String eligibility) {
    Problems p = new Problems();
    assertNull(read(eligibility, p));
    assertEquals(1, p.errors().size(), p.errors().toString());
    return p.errors().get(0).render();
  }

  @Test
  void readsExistsNumberListsAndTextComparisons() {
    assertEquals(new Condition.Exists("x"), condition("{attribute: x, exists: true}"));
    assertEquals(
        new Condition.Not(new Condition.Exists("x")), condition("{attribute: x, exists: false}"));
    assertEquals(
        new Condition.NumberIn("n", List.of(1.0, 2.5, -3.0)),
        condition("{attribute: n, in_numbers: [1, 2.5, -3]}"));
    assertEquals(
        new Condition.TextCompare("w", Op.GT, "010"), condition("{attribute: w, gt_text: 010}"));
    assertEquals(
        new Condition.TextCompare("w", Op.LTE, "b"), condition("{attribute: w, lte_text: b}"));
  }

  @Test
  void badValuesAreErrorsNamingTheField() {
    assertTrue(error("{attribute: x, exists: yes}").contains("eligibility.exists"));
    assertTrue(error("{attribute: x, exists: ~}").contains("exists has no value"));
    assertTrue(error("{attribute: n, in_numbers: [1, a]}").contains("eligibility.in_numbers[1]"));
    assertTrue(error("{attribute: n, in_numbers: 1}").contains("eligibility.in_numbers"));
    assertTrue(error("{attribute: w, gt_text: [a]}").contains("eligibility.gt_text"));
    assertTrue(error("{attribute: w, gt_text: a, exists: true}").contains("several operators"));
  }
}
