package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.AssignmentPlan;
import io.assay.pipeline.Definitions;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every file in the project's conf/ resolves, and every experiment there is locked. */
class ProjectConfTest {
  @Test
  void everyFileInConfResolves() throws IOException {
    Conf conf = Definitions.load(TestConf.PROJECT_CONF);
    assertTrue(conf.warnings().isEmpty(), "warnings: " + conf.warnings());
    // Every experiment file on disk became a definition.
    try (Stream<Path> files = Files.walk(TestConf.PROJECT_CONF.resolve("experiments"))) {
      long yamlFiles = files.filter(p -> p.toString().endsWith(".yaml")).count();
      assertEquals(yamlFiles, conf.experiments().size());
    }
    for (ExperimentDefinition d : conf.experiments()) {
      assertFalse(d.arms().isEmpty());
      // Every definition resolves against the site config for assignment.
      AssignmentPlan.of(d, conf.assay());
      for (String m : d.metrics().all()) {
        assertTrue(conf.catalog().metric(m).isPresent(), d.id() + " uses " + m);
      }
    }
    // The spark and other conf files exist and are non-empty.
    for (String f : List.of("spark/log4j2.properties", "spark/spark-defaults.conf")) {
      assertTrue(Files.size(TestConf.PROJECT_CONF.resolve(f)) > 0, f);
    }
  }

  @Test
  void theExamplesCoverTheRequiredShapes() {
    Conf conf = Definitions.load(TestConf.PROJECT_CONF);
    assertTrue(
        conf.experiments().stream().anyMatch(d -> d.traffic().isRamp() && d.arms().size() == 3));
    assertTrue(conf.experiments().stream().anyMatch(d -> d.hash() == HashScheme.GROWTHBOOK_V2));
    assertTrue(
        conf.experiments().stream()
                .filter(d -> d.namespace().isPresent())
                .map(ExperimentDefinition::key)
                .distinct()
                .count()
            >= 2);
    for (ExperimentDefinition d : conf.experiments()) {
      assertFalse(d.strata().isEmpty(), d.id());
      assertFalse(d.metrics().primary().isEmpty(), d.id());
      assertFalse(d.metrics().secondary().isEmpty(), d.id());
      assertFalse(d.metrics().guardrails().isEmpty(), d.id());
    }
  }
}
