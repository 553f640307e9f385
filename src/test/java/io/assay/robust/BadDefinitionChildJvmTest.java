package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.DefinitionLock;
import io.assay.testing.Fixtures;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * In a fresh JVM (where no test has started Spark), a Spark stage given a broken definition exits 2
 * with file, field and fix, before any Spark session exists: Spark logs nothing (its startup line
 * "Running Spark version" is at INFO, and jobs/assay's log configuration shows it) and the output
 * root is never created. {@code DefinitionCorpusTest} checks every corpus file in-process.
 */
class BadDefinitionChildJvmTest {
  @Test
  void aBrokenDefinitionStopsTheStageBeforeSparkStarts() throws Exception {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    Path bad = Path.of("src/test/resources/bad-definitions/experiments/weights-not-one.yaml");
    TestConf.write(conf, "experiments/bad_case/1.0.0.yaml", Files.readString(bad));
    Path out = conf.getParent().resolve("out");
    Path log = Fixtures.tempDir("bad-def-child-").resolve("child.log");
    Process p =
        ChildJvm.start(
            log,
            java.util.List.of("-Dspark.log.level=INFO"),
            "reconcile",
            "--conf",
            conf.toString(),
            "--date",
            "2026-11-02",
            "--out",
            out.toString());
    int code = ChildJvm.finish(p);
    String text = ChildJvm.text(log);
    assertEquals(2, code, text);
    assertTrue(text.contains(conf.resolve("experiments/bad_case/1.0.0.yaml") + ": arms"), text);
    assertTrue(text.contains(". Fix: ") && text.contains("nothing was run"), text);
    assertFalse(text.contains("Running Spark version") || text.contains("SparkContext"), text);
    assertFalse(Files.exists(out), "the output root must not be created");
  }
}
