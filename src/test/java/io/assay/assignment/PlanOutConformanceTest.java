package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.config.HashScheme;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PlanOutHash} against PlanOut's own published expectations and against vectors computed by
 * an independent re-implementation (src/test/resources/vectors/planout: published.json from
 * PlanOut's unit tests and its ports; computed.json from planout_vectors.py, PlanOut's Python ops
 * re-implemented verbatim with hashlib, cross-checked with PlanOut.js's core-compatible ops).
 *
 * <p>PlanOut's default salts: a random op assigned to parameter {@code p} of an experiment with
 * salt {@code e} hashes {@code e + "." + p + "." + unit}, several units joined by ".". assay's
 * "full salt" is {@code e + "." + p}.
 */
class PlanOutConformanceTest {
  private static final JsonNode PUBLISHED = Vectors.load("planout/published.json");
  private static final JsonNode COMPUTED = Vectors.load("planout/computed.json");

  static Stream<Arguments> published() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : PUBLISHED.get("cases")) {
      out.add(Arguments.of(c.get("name").asText(), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "published: {0}")
  @MethodSource("published")
  void publishedExpectations(String name, JsonNode c) {
    String fullSalt = c.get("experimentSalt").asText() + "." + c.get("param").asText();
    String unit = c.get("unit").asText();
    switch (c.get("op").asText()) {
      case "uniformChoice" -> {
        int n = c.get("choices").size();
        int index = PlanOutHash.uniformChoice(fullSalt, unit, n);
        assertEquals(c.get("expectedIndex").asInt(), index, name);
        assertEquals(c.get("expected"), c.get("choices").get(index), name);
      }
      case "bernoulliTrial" -> {
        // BernoulliTrial(p) = 1 if getUniform(0, 1) <= p else 0
        double u = PlanOutHash.uniform(fullSalt, unit, 0.0, 1.0);
        assertEquals(c.get("expected").asInt(), u <= c.get("p").asDouble() ? 1 : 0, name);
      }
      default -> throw new IllegalArgumentException("unknown op in " + name);
    }
  }

  static Stream<Arguments> computed() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : COMPUTED.get("vectors")) {
      out.add(Arguments.of(v.get("hashInput").asText(), v));
    }
    return out.stream();
  }

  private static String unitString(JsonNode v) {
    List<String> units = new ArrayList<>();
    v.get("units").forEach(u -> units.add(u.asText()));
    return String.join(".", units);
  }

  @ParameterizedTest(name = "computed: {0}")
  @MethodSource("computed")
  void computedVectors(String hashInput, JsonNode v) {
    String fullSalt = v.get("fullSalt").asText();
    String unit = unitString(v);
    assertEquals(hashInput, fullSalt + "." + unit);

    long hash = PlanOutHash.hash(fullSalt, unit);
    assertEquals(Long.parseLong(v.get("hash").asText()), hash, "hash");
    assertEquals(Long.parseLong(v.get("hashHex").asText(), 16), hash, "hashHex");
    // Python's repr() is the shortest text that reads back as the same double: compare exactly.
    assertEquals(
        Double.parseDouble(v.get("uniform").asText()),
        PlanOutHash.uniform(fullSalt, unit, 0.0, 1.0),
        0.0,
        "uniform");
    assertEquals(
        Double.parseDouble(v.get("randomFloat_-5_15").asText()),
        PlanOutHash.uniform(fullSalt, unit, -5.0, 15.0),
        0.0,
        "randomFloat(-5, 15)");
    Iterator<Map.Entry<String, JsonNode>> uc = v.get("uniformChoice").fields();
    while (uc.hasNext()) {
      Map.Entry<String, JsonNode> e = uc.next();
      int n = Integer.parseInt(e.getKey());
      assertEquals(
          e.getValue().asInt(), PlanOutHash.uniformChoice(fullSalt, unit, n), "uniformChoice " + n);
    }
    for (JsonNode w : v.get("weightedChoice")) {
      double[] weights = Vectors.doubles(w.get("weights"));
      assertEquals(
          w.get("index").asInt(),
          PlanOutHash.weightedChoice(fullSalt, unit, weights),
          "weightedChoice " + w.get("weights"));
    }
    Iterator<Map.Entry<String, JsonNode>> bt = v.get("bernoulliTrial").fields();
    while (bt.hasNext()) {
      Map.Entry<String, JsonNode> e = bt.next();
      double p = Double.parseDouble(e.getKey());
      int got = PlanOutHash.uniform(fullSalt, unit, 0.0, 1.0) <= p ? 1 : 0;
      assertEquals(e.getValue().asInt(), got, "bernoulliTrial " + p);
    }
    for (JsonNode r : v.get("randomInteger")) {
      // RandomInteger(min, max) = min + getHash() % (max - min + 1)
      long min = r.get("min").asLong();
      long max = r.get("max").asLong();
      assertEquals(r.get("value").asLong(), min + hash % (max - min + 1), "randomInteger");
    }
  }

  @Test
  void hashIsTheFirst15HexDigitsOfSha1() throws Exception {
    // The definition itself, with the JDK's SHA-1 and hex parsing (independent of the bit
    // arithmetic in PlanOutHash.hash): PlanOut's test_assignment input "test_salt.foo.4".
    byte[] d =
        MessageDigest.getInstance("SHA-1")
            .digest("test_salt.foo.4".getBytes(StandardCharsets.US_ASCII));
    String hex = HexFormat.of().formatHex(d);
    assertEquals(Long.parseLong(hex.substring(0, 15), 16), PlanOutHash.hash("test_salt.foo", "4"));
  }

  @Test
  void longScaleIsPythonsFloatOf2To60Minus1() {
    // float(0xFFFFFFFFFFFFFFF) rounds 2^60 - 1 to the nearest double, 2^60.
    assertEquals(0x1.0p60, PlanOutHash.LONG_SCALE, 0.0);
  }

  /**
   * PlanOut4J's RandomOpsTest.testDistributionsConsistency (Glassdoor/planout4j, BSD): with the
   * same full salt and unit, WeightedChoice([10, 20], [0.25, 0.75]) picks 10 exactly when
   * WeightedChoice([1, 2, 3, 4], [0.25] * 4) picks 1, because both compare one uniform draw.
   */
  @Test
  void weightedChoicesShareOneDraw() {
    for (int i = 0; i < 2000; i++) {
      String unit = "unit-" + i;
      int a = PlanOutHash.weightedChoice("some long value", unit, new double[] {0.25, 0.75});
      int b =
          PlanOutHash.weightedChoice(
              "some long value", unit, new double[] {0.25, 0.25, 0.25, 0.25});
      assertEquals(a == 0, b == 0, unit);
    }
  }

  /**
   * PlanOut's test_salts (python/planout/test/test_random_ops.py): an explicit salt acts like the
   * automatic one, and a different experiment salt gives a different draw.
   */
  @Test
  void saltsSeparateDraws() {
    long x = PlanOutHash.hash("assign_salt_a.x", "20");
    assertEquals(x, PlanOutHash.hash("assign_salt_a" + "." + "x", "20"));
    assertTrue(x != PlanOutHash.hash("assign_salt_a.y", "20"));
    assertTrue(x != PlanOutHash.hash("assign_salt_b.x", "20"));
  }

  @Test
  void noChoicesGivesMinusOne() {
    assertEquals(-1, PlanOutHash.weightedChoice("e.p", "u", new double[0]));
  }

  /**
   * A PlanOut definition in assay: salt is the full salt, the unit's position is getUniform(0, 1)
   * and its arm is WeightedChoice over the arm weights, exactly as PlanOut assigns the parameter.
   */
  static Stream<Arguments> singleUnitVectors() {
    // assay decides for one non-empty unit id at a time.
    return computed()
        .filter(
            a -> {
              JsonNode units = ((JsonNode) a.get()[1]).get("units");
              return units.size() == 1 && !units.get(0).asText().isEmpty();
            });
  }

  @ParameterizedTest(name = "through Assigner: {0}")
  @MethodSource("singleUnitVectors")
  void throughAssigner(String hashInput, JsonNode v) {
    String unit = v.get("units").get(0).asText();
    for (JsonNode w : v.get("weightedChoice")) {
      double[] weights = Vectors.doubles(w.get("weights"));
      double sum = 0;
      for (double x : weights) {
        sum += x;
      }
      if (Math.abs(sum - 1.0) > 1e-9) {
        continue; // assay definitions carry weights that sum to 1
      }
      AssignmentPlan plan =
          Definitions.experiment("po")
              .salt(v.get("fullSalt").asText())
              .scheme(HashScheme.PLANOUT)
              .weights(weights)
              .plan(null);
      Decision d = Assigner.decide(plan, unit, Map.of(), Definitions.START);
      assertEquals(w.get("index").asInt(), d.armIndex(), hashInput + " " + w.get("weights"));
      assertEquals(Double.parseDouble(v.get("uniform").asText()), d.position(), 0.0);
    }
  }
}
