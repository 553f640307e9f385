package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DESIGN.md §3: the stats package is pure Java; Spark only computes its inputs. */
class NoSparkInStatsTest {
  @Test
  void statsSourcesImportNeitherSparkNorScala() throws IOException {
    Path root = Path.of("src/main/java/io/assay/stats");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(root)) {
      offenders =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(
                  f -> {
                    try {
                      String s = Files.readString(f);
                      return s.contains("org.apache.spark")
                          || s.matches("(?s).*import\\s+scala\\..*");
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  })
              .map(Path::toString)
              .toList();
    }
    assertEquals(List.of(), offenders);
  }
}
