package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native scheme (assay-xxh64-v1, docs/assignment.md) against vectors computed by an independent
 * implementation: vectors/native/native_vectors.py, which uses a pure-Python XXH64 written from the
 * xxHash spec (vectors/xxh64/xxh64_ref.py, itself checked against published XXH64 and Spark values)
 * and is cross-checked with npm xxhash-wasm. The five worked examples in docs/assignment.md are
 * rows of the same file.
 */
class NativeHashTest {
  static Stream<Arguments> vectors() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : Vectors.load("native/native-vectors.json").get("vectors")) {
      out.add(Arguments.of(v.get("salt").asText(), v.get("unit").asText(), v));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "salt={0}, unit={1}")
  @MethodSource("vectors")
  void hashPositionAndArm(String salt, String unit, JsonNode v) {
    long h = NativeHash.hash64(salt, unit);
    assertEquals(Long.parseUnsignedLong(v.get("h").asText(), 16), h, "h");
    assertEquals(v.get("hSigned").asLong(), h, "h as a signed long");
    double position = NativeHash.position(salt, unit);
    assertEquals(Double.parseDouble(v.get("position").asText()), position, 0.0, "position");
    for (JsonNode a : v.get("arms")) {
      double[][] ranges =
          Allocation.ranges(Vectors.doubles(a.get("weights")), a.get("traffic").asDouble());
      assertEquals(a.get("arm").asInt(), Allocation.choose(position, ranges), a.toString());
    }
  }

  @ParameterizedTest(name = "through Assigner: salt={0}, unit={1}")
  @MethodSource("vectors")
  void throughAssigner(String salt, String unit, JsonNode v) {
    for (JsonNode a : v.get("arms")) {
      AssignmentPlan plan =
          Definitions.experiment("native")
              .salt(salt)
              .weights(Vectors.doubles(a.get("weights")))
              .step(0, a.get("traffic").asDouble())
              .plan(null);
      Decision d = Assigner.decide(plan, unit, Map.of(), Definitions.START);
      assertEquals(a.get("arm").asInt(), d.armIndex(), a.toString());
      assertEquals(a.get("arm").asInt() >= 0 ? Status.ASSIGNED : Status.NOT_IN_TRAFFIC, d.status());
      assertEquals(Double.parseDouble(v.get("position").asText()), d.position(), 0.0);
    }
  }

  @Test
  void positionIsTheTop53BitsOverTwoTo53() {
    // Hand computation on the extremes of the bit extraction: all ones -> (2^53 - 1) / 2^53,
    // the largest double below 1; zero -> 0.
    assertEquals(Math.nextDown(1.0), (-1L >>> 11) * NativeHash.TWO_POW_MINUS_53, 0.0);
    assertEquals(0.0, (0x7FFL >>> 11) * NativeHash.TWO_POW_MINUS_53, 0.0);
    assertEquals(":", NativeHash.SEPARATOR);
  }
}
