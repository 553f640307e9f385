package io.assay.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.ExperimentDefinition;
import io.assay.pipeline.Definitions;
import io.assay.testing.Fixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The synthetic configuration of {@code generate --experiments}: it loads without a problem, every
 * experiment lists every metric, each unit is in exactly one experiment per namespace layer (read
 * with the pure-Java assigner, not the generator), and the timeline does not depend on M.
 */
class ScaleConfigurationTest {
  private static Conf write(int experiments, int metrics) {
    Path conf = Fixtures.tempDir("scale-conf-").resolve("conf");
    ScaleConfiguration.write(conf, experiments, metrics);
    return Definitions.load(conf, ConfigLoader.LockMode.ALLOW_NEW);
  }

  @ParameterizedTest
  @CsvSource({"1, 9", "3, 10", "12, 11", "50, 9"})
  void everyUnitIsInOneExperimentPerLayer(int experiments, int metrics) {
    Conf c = write(experiments, metrics);
    assertEquals(experiments, c.keys().size());
    assertEquals(4 * metrics, c.catalog().all().size());
    int layers = Math.min(ScaleConfiguration.MAX_LAYERS, experiments);
    List<AssignmentPlan> plans =
        c.keys().stream()
            .map(k -> AssignmentPlan.of(c.latest(k).orElseThrow(), c.assay()))
            .toList();
    Set<String> hashes = new TreeSet<>();
    for (ExperimentDefinition d : c.experiments()) {
      assertEquals(4 * metrics, d.metrics().all().size(), d.id() + " lists every metric");
      hashes.add(d.hash().yaml);
    }
    if (experiments >= 2) {
      assertEquals(Set.of("native", "growthbook_v2"), hashes);
    }
    Instant at = Instant.parse(ScaleConfiguration.START).plusSeconds(3600);
    Map<String, Integer> units = new HashMap<>();
    for (int u = 0; u < 4000; u++) {
      String unit = "u" + u;
      Set<String> inLayers = new TreeSet<>();
      for (AssignmentPlan p : plans) {
        Decision d = Assigner.decide(p, unit, Map.of("platform", "ios"), at);
        if (d.status() == Status.ASSIGNED) {
          String layer = p.namespace().orElseThrow().name();
          assertTrue(inLayers.add(layer), unit + " is in two experiments of " + layer);
          units.merge(p.definition().key(), 1, Integer::sum);
        } else {
          assertEquals(Status.NOT_IN_NAMESPACE, d.status(), unit + " in " + p.definition().key());
        }
      }
      assertEquals(layers, inLayers.size(), unit + " is in one experiment per layer");
    }
    // Equal slices: each experiment holds about 4000 / (experiments per layer) units.
    for (String key : c.keys()) {
      int layer = (Integer.parseInt(key.substring(4)) - 1) % layers;
      int inLayer = (experiments - layer + layers - 1) / layers;
      double expected = 4000.0 / inLayer;
      double sd = Math.sqrt(expected * (1 - 1.0 / inLayer));
      assertTrue(
          Math.abs(units.getOrDefault(key, 0) - expected) <= 5 * sd + 1,
          key + ": " + units.get(key) + " units, expected about " + expected);
    }
  }

  @ParameterizedTest
  @CsvSource({"9, 100", "10, 31"})
  void theTimelineAndSoEverySourceRowDoNotDependOnTheNumberOfMetrics(int few, int many) {
    Conf a = write(5, few);
    Conf b = write(5, many);
    Timeline ta = Timeline.of(OnlineSystem.of(a).experiments(), a.catalog(), 7);
    Timeline tb = Timeline.of(OnlineSystem.of(b).experiments(), b.catalog(), 7);
    assertEquals(ta.metricsFrom(), tb.metricsFrom());
    assertEquals(ta.metricsTo(), tb.metricsTo());
    assertEquals(ta.exposuresEnd(), tb.exposuresEnd());
  }
}
