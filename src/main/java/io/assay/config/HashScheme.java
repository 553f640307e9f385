package io.assay.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hash schemes a definition may name. The algorithms live in {@code io.assay.assignment}; the
 * exact definitions are in {@code docs/assignment.md}.
 */
public enum HashScheme {
  /** assay's own scheme: XXH64 of {@code salt + ":" + unit} — computable with Spark built-ins. */
  NATIVE("native"),
  /** GrowthBook hashing v1: FNV-1a 32 of {@code unit + seed}, mod 1000. */
  GROWTHBOOK_V1("growthbook_v1"),
  /**
   * GrowthBook hashing v2: FNV-1a 32 of the decimal FNV-1a 32 of {@code seed + unit}, mod 10000.
   */
  GROWTHBOOK_V2("growthbook_v2"),
  /** PlanOut: SHA-1 of {@code salt + "." + unit}, first 15 hex digits, WeightedChoice. */
  PLANOUT("planout");

  public final String yaml;

  HashScheme(String yaml) {
    this.yaml = yaml;
  }

  public static Map<String, HashScheme> byName() {
    Map<String, HashScheme> m = new LinkedHashMap<>();
    for (HashScheme s : values()) {
      m.put(s.yaml, s);
    }
    return m;
  }
}
