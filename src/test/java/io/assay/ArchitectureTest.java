package io.assay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pure packages stay pure: config, assignment and stats import nothing from Spark or Scala, so
 * an online service can use them and the statistics run on a few numbers on the driver.
 */
class ArchitectureTest {
  @ParameterizedTest
  @ValueSource(strings = {"config", "assignment", "stats"})
  void packageImportsNoSpark(String pkg) throws IOException {
    Path dir = Path.of("src/main/java/io/assay", pkg);
    List<String> offenders = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f :
            (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
          String src = Files.readString(f);
          if (src.matches("(?s).*\\b(org\\.apache\\.spark|scala)\\.[a-zA-Z].*")) {
            offenders.add(f.toString());
          }
        }
      }
    }
    assertTrue(offenders.isEmpty(), "Spark or Scala referenced in " + offenders);
  }
}
