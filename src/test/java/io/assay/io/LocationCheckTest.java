package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Location;
import io.assay.config.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reachability of configured locations, as {@code validate} reports it. */
class LocationCheckTest {
  @TempDir Path tmp;

  private final Storage storage = Storage.of(new Configuration());
  private final List<Problem> errors = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  @Test
  void anExistingLocationIsFine() throws Exception {
    Files.createDirectories(tmp.resolve("data"));
    LocationCheck.check(
        storage, "assay.yaml", "data.root", Location.local(tmp.resolve("data")), errors, warnings);
    assertEquals(List.of(), errors);
    assertEquals(List.of(), warnings);
  }

  @Test
  void aMissingLocationUnderAnExistingParentIsAWarning() {
    Location out = Location.local(tmp.resolve("out/root"));
    LocationCheck.check(storage, "assay.yaml", "output.root", out, errors, warnings);
    assertEquals(List.of(), errors);
    assertEquals(1, warnings.size());
    String w = warnings.get(0).render();
    assertTrue(w.startsWith("assay.yaml: output.root: " + out + " does not exist yet"), w);
    assertTrue(w.contains("(" + tmp + " does)"), w);
  }

  @Test
  void anUnknownSchemeIsAnErrorNamingFieldUriAndConnector() {
    Location l = Location.parse("nosuchfs://bucket/logs", tmp);
    LocationCheck.check(storage, "assay.yaml", "data.logs", l, errors, warnings);
    assertEquals(List.of(), warnings);
    assertEquals(1, errors.size());
    String e = errors.get(0).render();
    assertTrue(
        e.startsWith("assay.yaml: data.logs: nosuchfs://bucket/logs cannot be reached: "), e);
    assertTrue(e.contains("no file system for the scheme 'nosuchfs'"), e);
    assertTrue(e.contains("Fix: put the connector for nosuchfs: on the classpath"), e);
  }
}
