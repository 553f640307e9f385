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

  /**
   * Sets {@code data.root} and {@code output.root} of {@code conf}'s assay.yaml (laid out as the
   * project's) to {@code dataRoot} and {@code outputRoot}; returns {@code conf}.
   */
  public static Path withRoots(Path conf, String dataRoot, String outputRoot) {
    try {
      Path yaml = conf.resolve("assay.yaml");
      String text = Files.readString(yaml);
      String replaced =
          text.replaceFirst("(?m)^  root: \\S+", "  root: " + dataRoot)
              .replaceFirst("(?m)^(output:\\n  root: )\\S+", "$1" + outputRoot);
      if (!replaced.contains("root: " + dataRoot) || !replaced.contains("root: " + outputRoot)) {
        throw new IllegalStateException("cannot set the roots in " + yaml + ":\n" + text);
      }
      Files.writeString(yaml, replaced);
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces {@code from} (which must be there) by {@code to} in a file of a conf copy. */
  public static void edit(Path file, String from, String to) {
    try {
      String text = Files.readString(file);
      if (!text.contains(from)) {
        throw new AssertionError("'" + from + "' is not in " + file);
      }
      Files.writeString(file, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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

  /**
   * A fresh copy of the conf directory {@code conf} (as {@link #copy()} makes them) in a temporary
   * directory, with the key file beside it when {@code conf} has one; returns the copy's conf dir.
   * Relative paths (the data root) now resolve beside the copy.
   */
  public static Path copyOf(Path conf) {
    Path dest = Fixtures.tempDir("conf-").resolve("conf");
    try (Stream<Path> files = Files.walk(conf)) {
      for (Path src : (Iterable<Path>) files::iterator) {
        Path target = dest.resolve(conf.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(target);
        } else {
          Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path key = conf.getParent().resolve("pseudonym.key");
      if (Files.exists(key)) {
        Files.copy(key, dest.getParent().resolve("pseudonym.key"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dest;
  }

  /**
   * Makes the conf read its pseudonymization key from {@code ../pseudonym.key} (written with {@code
   * key}) instead of an environment variable; idempotent. Returns {@code conf}.
   */
  public static Path withKeyFile(Path conf, String key) {
    try {
      Files.writeString(conf.getParent().resolve("pseudonym.key"), key);
      Path site = conf.resolve("assay.yaml");
      String text = Files.readString(site);
      if (!text.contains("key_file")) {
        Files.writeString(
            site,
            text.replace(
                "  key_env: ASSAY_PSEUDONYM_KEY\n",
                "  key_env: ASSAY_TEST_KEY_UNSET\n  key_file: ../pseudonym.key\n"));
      }
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
