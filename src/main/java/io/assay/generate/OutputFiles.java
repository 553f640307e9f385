package io.assay.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * File housekeeping for reproducible outputs. Spark names part files with a random job UUID; after
 * a JSON or Parquet write, {@link #stabilize} renames them to {@code part-00000.json}, … in the
 * order of their task number, so two runs with the same seed can be compared file by file. (Delta
 * tables keep their names: the transaction log refers to them.)
 */
public final class OutputFiles {
  private OutputFiles() {}

  /**
   * Renames the part files in {@code dir} and in each of its partition directories ({@code date=…})
   * to {@code part-NNNNN} + {@code extension}, with their checksum files.
   */
  public static void stabilize(Path dir, String extension) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(dir);
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().contains("="))
          .sorted()
          .forEach(dirs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path d : dirs) {
      renameParts(d, extension);
    }
  }

  private static void renameParts(Path dir, String extension) {
    List<Path> parts;
    try (Stream<Path> s = Files.list(dir)) {
      parts =
          s.filter(p -> p.getFileName().toString().startsWith("part-"))
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < parts.size(); i++) {
      Path from = parts.get(i);
      String name = String.format("part-%05d%s", i, extension);
      move(from, dir.resolve(name));
      Path crc = dir.resolve("." + from.getFileName() + ".crc");
      if (Files.exists(crc)) {
        move(crc, dir.resolve("." + name + ".crc"));
      }
    }
  }

  /** Deletes a file or a directory tree, if it exists. */
  public static void delete(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> s = Files.walk(path)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
