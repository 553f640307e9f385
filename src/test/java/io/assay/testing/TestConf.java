package io.assay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Copies of the project's {@code conf/} directory for tests that need to change it. */
public final class TestConf {
  /** The project's configuration directory (tests run from the project root). */
  public static final Path PROJECT_CONF = Path.of("conf");

  private TestConf() {}

  /** A fresh copy of {@code conf/} in a temporary directory; returns the copy's conf dir. */
  public static Path copy() {
    Path root = Fixtures.tempDir("conf-");
    Path dest = root.resolve("conf");
    try (Stream<Path> files = Files.walk(PROJECT_CONF)) {
      for (Path src : (Iterable<Path>) files::iterator) {
        Path target = dest.resolve(PROJECT_CONF.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(target);
        } else {
          Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dest;
  }

  /** Writes {@code text} to {@code conf/relative}, creating directories. */
  public static void write(Path conf, String relative, String text) {
    try {
      Path p = conf.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
