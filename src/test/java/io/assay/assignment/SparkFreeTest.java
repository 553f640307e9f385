package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The assignment engine and the configuration model it reads stand alone (DESIGN.md §1.2, §3): no
 * source file in them mentions Spark, so an online service can use them without it.
 */
class SparkFreeTest {
  @Test
  void assignmentAndConfigDoNotImportSpark() throws IOException {
    for (String pkg : List.of("assignment", "config")) {
      Path dir = Path.of("src/main/java/io/assay", pkg);
      assertTrue(Files.isDirectory(dir), dir + " (tests run from the project directory)");
      List<Path> offenders;
      int files;
      try (Stream<Path> s = Files.walk(dir)) {
        List<Path> java = s.filter(p -> p.toString().endsWith(".java")).toList();
        files = java.size();
        offenders = java.stream().filter(SparkFreeTest::mentionsSpark).toList();
      }
      assertTrue(files > 0, "no sources under " + dir);
      assertEquals(List.of(), offenders, "Spark in " + pkg);
    }
  }

  private static boolean mentionsSpark(Path p) {
    try {
      return Files.readString(p).contains("org.apache.spark");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
