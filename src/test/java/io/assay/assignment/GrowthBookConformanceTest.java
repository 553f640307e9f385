package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.config.HashScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GrowthBook's cross-SDK spec vectors (growthbook/growthbook packages/sdk-js/test/cases.json, spec
 * 0.8.0, MIT; copied in src/test/resources/vectors/growthbook with their provenance), every case of
 * every section, compared as the upstream suite compares them.
 */
class GrowthBookConformanceTest {
  private static final JsonNode CASES = Vectors.load("growthbook/growthbook-cases.json");
  private static final JsonNode RUN = Vectors.load("growthbook/growthbook-run-assignments.json");

  /** The upstream suite's rounding for ranges and weights: {@code Math.floor(x * 1e8) / 1e8}. */
  private static double floor8(double x) {
    return Math.floor(x * 1e8) / 1e8;
  }

  private static Stream<Arguments> section(String name) {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : CASES.get(name)) {
      out.add(Arguments.of(c.get(0).asText(), c));
    }
    return out.stream();
  }

  static Stream<Arguments> hashCases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : CASES.get("hash")) {
      out.add(Arguments.of(c.get(0).asText(), c.get(1).asText(), c.get(2).asInt(), c.get(3)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "hash(seed={0}, value={1}, v{2}) = {3}")
  @MethodSource("hashCases")
  void hash(String seed, String value, int version, JsonNode expected) {
    double got = GrowthBookHash.hash(seed, value, version);
    if (expected.isNull()) {
      // The SDKs return null for an unknown hash version; assay's API returns NaN.
      assertTrue(Double.isNaN(got), "expected NaN for hash version " + version + ", got " + got);
    } else {
      assertEquals(expected.asDouble(), got, 0.0);
    }
  }

  @Test
  void everySectionIsExercised() {
    assertEquals(15, CASES.get("hash").size());
    assertEquals(13, CASES.get("getBucketRange").size());
    assertEquals(13, CASES.get("chooseVariation").size());
    assertEquals(16, CASES.get("inNamespace").size());
    assertEquals(6, CASES.get("getEqualWeights").size());
    assertEquals(48, RUN.get("cases").size());
  }

  static Stream<Arguments> getBucketRange() {
    return section("getBucketRange");
  }

  @ParameterizedTest(name = "getBucketRange: {0}")
  @MethodSource("getBucketRange")
  void getBucketRange(String name, JsonNode c) {
    JsonNode args = c.get(1);
    double[] weights = args.get(2).isNull() ? null : Vectors.doubles(args.get(2));
    double[][] got =
        GrowthBookHash.bucketRanges(args.get(0).asInt(), args.get(1).asDouble(), weights);
    JsonNode expected = c.get(2);
    assertEquals(expected.size(), got.length, name);
    for (int i = 0; i < got.length; i++) {
      assertEquals(floor8(expected.get(i).get(0).asDouble()), floor8(got[i][0]), name + " start");
      assertEquals(floor8(expected.get(i).get(1).asDouble()), floor8(got[i][1]), name + " end");
    }
  }

  static Stream<Arguments> chooseVariation() {
    return section("chooseVariation");
  }

  @ParameterizedTest(name = "chooseVariation: {0}")
  @MethodSource("chooseVariation")
  void chooseVariation(String name, JsonNode c) {
    JsonNode ranges = c.get(2);
    double[][] r = new double[ranges.size()][];
    for (int i = 0; i < r.length; i++) {
      r[i] = Vectors.doubles(ranges.get(i));
    }
    assertEquals(c.get(3).asInt(), Allocation.choose(c.get(1).asDouble(), r), name);
  }

  static Stream<Arguments> inNamespace() {
    return section("inNamespace");
  }

  @ParameterizedTest(name = "inNamespace: {0}")
  @MethodSource("inNamespace")
  void inNamespace(String name, JsonNode c) {
    JsonNode ns = c.get(2);
    boolean got =
        GrowthBookHash.inNamespace(
            c.get(1).asText(), ns.get(0).asText(), ns.get(1).asDouble(), ns.get(2).asDouble());
    assertEquals(c.get(3).asBoolean(), got, name);
  }

  /**
   * The same inNamespace cases through the assigner: a GrowthBook-scheme experiment owning the
   * slice is excluded exactly when the spec says the user is outside it.
   */
  @ParameterizedTest(name = "inNamespace through Assigner: {0}")
  @MethodSource("inNamespace")
  void inNamespaceThroughAssigner(String name, JsonNode c) {
    JsonNode ns = c.get(2);
    for (HashScheme scheme : List.of(HashScheme.GROWTHBOOK_V1, HashScheme.GROWTHBOOK_V2)) {
      AssignmentPlan plan =
          Definitions.experiment("ns-exp")
              .scheme(scheme)
              .namespace(ns.get(0).asText(), ns.get(1).asDouble(), ns.get(2).asDouble())
              .plan(null);
      Decision d = Assigner.decide(plan, c.get(1).asText(), Map.of(), Definitions.START);
      assertEquals(
          c.get(3).asBoolean(), d.status() != Status.NOT_IN_NAMESPACE, name + " " + scheme);
    }
  }

  static Stream<Arguments> getEqualWeights() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : CASES.get("getEqualWeights")) {
      out.add(Arguments.of(c.get(0).asInt(), c.get(1)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "getEqualWeights({0})")
  @MethodSource("getEqualWeights")
  void getEqualWeights(int n, JsonNode expected) {
    double[] got = GrowthBookHash.equalWeights(n);
    double[] want = Vectors.doubles(expected);
    assertEquals(want.length, got.length);
    for (int i = 0; i < got.length; i++) {
      assertEquals(floor8(want[i]), floor8(got[i]), "weight " + i);
    }
  }

  static Stream<Arguments> runCases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : RUN.get("cases")) {
      out.add(Arguments.of(c.get("name").asText(), c));
    }
    return out.stream();
  }

  /**
   * GrowthBook's {@code run} for hash-only experiments, as the SDK evaluates it: no usable hash
   * value or fewer than two variations means not in the experiment; otherwise {@code n = hash(seed
   * || key, value, hashVersion || 1)}, ranges from {@code getBucketRanges(len, coverage ?? 1,
   * weights)}, and the variation is {@code chooseVariation(n, ranges)} (-1 when none).
   */
  static int growthBookRun(JsonNode c) {
    JsonNode e = c.get("experiment");
    String attribute = e.has("hashAttribute") ? e.get("hashAttribute").asText() : "id";
    JsonNode v = c.get("attributes").get(attribute);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      return -1;
    }
    int numVariations = e.get("variations").size();
    if (numVariations < 2) {
      return -1;
    }
    String seed = e.has("seed") ? e.get("seed").asText() : e.get("key").asText();
    int version = e.has("hashVersion") ? e.get("hashVersion").asInt() : 1;
    double coverage = e.has("coverage") ? e.get("coverage").asDouble() : 1.0;
    double[] weights = e.has("weights") ? Vectors.doubles(e.get("weights")) : null;
    double n = GrowthBookHash.hash(seed, v.asText(), version);
    return Allocation.choose(n, GrowthBookHash.bucketRanges(numVariations, coverage, weights));
  }

  @ParameterizedTest(name = "run: {0}")
  @MethodSource("runCases")
  void run(String name, JsonNode c) {
    int got = growthBookRun(c);
    assertEquals(c.get("expectedVariationIndex").asInt(), got, name);
    assertEquals(c.get("expectedInExperiment").asBoolean(), got >= 0, name);
  }

  /** The run cases an assay definition can express: a non-empty unit id, at least two arms. */
  static Stream<Arguments> expressibleRunCases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : RUN.get("cases")) {
      JsonNode e = c.get("experiment");
      String attribute = e.has("hashAttribute") ? e.get("hashAttribute").asText() : "id";
      JsonNode v = c.get("attributes").get(attribute);
      if (v != null && !v.isNull() && !v.asText().isEmpty() && e.get("variations").size() >= 2) {
        out.add(Arguments.of(c.get("name").asText(), c, v.asText()));
      }
    }
    return out.stream();
  }

  @Test
  void fortyThreeRunCasesAreExpressibleAsDefinitions() {
    // 48 minus empty id, null id, missing id, missing attributes and a single variation.
    assertEquals(43, expressibleRunCases().count());
  }

  /**
   * The expressible run cases through {@link AssignmentPlan} and {@link Assigner}: scheme from
   * hashVersion, salt = seed or key, traffic = coverage, arms weighted as the SDK weights them.
   */
  @ParameterizedTest(name = "run through Assigner: {0}")
  @MethodSource("expressibleRunCases")
  void runThroughAssigner(String name, JsonNode c, String unit) {
    JsonNode e = c.get("experiment");
    int numVariations = e.get("variations").size();
    int version = e.has("hashVersion") ? e.get("hashVersion").asInt() : 1;
    double[] weights =
        e.has("weights")
            ? Vectors.doubles(e.get("weights"))
            : GrowthBookHash.equalWeights(numVariations);
    AssignmentPlan plan =
        Definitions.experiment(e.get("key").asText())
            .salt(e.has("seed") ? e.get("seed").asText() : e.get("key").asText())
            .scheme(version == 2 ? HashScheme.GROWTHBOOK_V2 : HashScheme.GROWTHBOOK_V1)
            .weights(weights)
            .step(0, e.has("coverage") ? e.get("coverage").asDouble() : 1.0)
            .plan(null);
    Decision d = Assigner.decide(plan, unit, Map.of(), Definitions.START);
    assertEquals(c.get("expectedVariationIndex").asInt(), d.armIndex(), name);
    assertEquals(
        c.get("expectedInExperiment").asBoolean() ? Status.ASSIGNED : Status.NOT_IN_TRAFFIC,
        d.status(),
        name);
  }

  @Test
  void unknownHashVersionIsNotInExperiment() {
    // hash() is null (NaN here) for an unknown version, and GrowthBook's run then excludes the
    // user; NaN falls in no range, so chooseVariation gives -1 as well.
    double n = GrowthBookHash.hash("my-test", "1", 99);
    assertTrue(Double.isNaN(n));
    assertEquals(-1, Allocation.choose(n, GrowthBookHash.bucketRanges(2, 1.0, null)));
  }

  @Test
  void fnv1aPublishedVectors() {
    // FNV-1a 32-bit reference values published with FNV (Fowler/Noll/Vo, test_fnv.c in the FNV
    // reference code, http://www.isthe.com/chongo/tech/comp/fnv/): "" -> 0x811c9dc5 (the offset
    // basis), "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    assertEquals(0x811c9dc5L, GrowthBookHash.fnv1a32(""));
    assertEquals(0xe40c292cL, GrowthBookHash.fnv1a32("a"));
    assertEquals(0xbf9cf968L, GrowthBookHash.fnv1a32("foobar"));
  }

  @Test
  void utf16CodeUnitsNotUtf8Bytes() {
    // GrowthBook's JavaScript hashes charCodeAt units. For "é" (U+00E9) that is one unit 0xE9;
    // hashing its two UTF-8 bytes (0xC3 0xA9) would give a different value. Hand computation:
    // (0x811c9dc5 ^ 0xe9) * 16777619 mod 2^32.
    long expected = ((0x811c9dc5L ^ 0xe9L) * 16777619L) & 0xFFFFFFFFL;
    assertEquals(expected, GrowthBookHash.fnv1a32("\u00e9"));
  }
}
