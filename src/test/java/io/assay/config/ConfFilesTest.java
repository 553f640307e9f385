package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.assay.cli.Main;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Configuration files and directories that cannot be used are errors that say why (issue 19, items
 * 16 and 21): a symbolic link loop is a loop, not "file not found"; a missing, empty or unreadable
 * {@code experiments/} is an error before Spark starts, not an empty set of definitions (which made
 * a run quarantine every row as an unknown experiment); a file over the size limit says so, not
 * "fix the syntax"; permission denied says permission denied.
 */
class ConfFilesTest {

  @Test
  void anExperimentsDirectoryThatIsASymlinkLoopStopsTheRunBeforeSpark() throws IOException {
    Path conf = confWithoutExperiments();
    Path dir = conf.resolve("experiments");
    Files.createSymbolicLink(dir, Path.of("experiments")); // points at itself
    assertError(conf, dir, "symbolic link loop");
    assertStageStopsBeforeSpark(conf, dir, "symbolic link loop");

    // A loop through two links, and a loop one level down.
    Path conf2 = confWithoutExperiments();
    Files.createSymbolicLink(conf2.resolve("experiments"), Path.of("loop_b"));
    Files.createSymbolicLink(conf2.resolve("loop_b"), Path.of("experiments"));
    assertError(conf2, conf2.resolve("experiments"), "symbolic link loop");
    Path conf3 = TestConf.copy();
    Path keyDir = conf3.resolve("experiments/zz_loop");
    Files.createSymbolicLink(keyDir, Path.of("zz_loop"));
    assertError(conf3, keyDir, "symbolic link loop");
  }

  @Test
  void aDefinitionFileThatIsASymlinkLoopOrDanglingSaysSo() throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve("experiments/checkout_button/1.0.0.yaml");
    Files.delete(f);
    Files.createSymbolicLink(f, f.getFileName()); // points at itself
    ConfigException e = assertError(conf, f, "symbolic link loop");
    assertTrue(
        e.errors().stream().noneMatch(p -> p.message().contains("not found")), e.getMessage());

    Files.delete(f);
    Files.createSymbolicLink(f, Path.of("gone.yaml"));
    assertError(conf, f, "symbolic link to 'gone.yaml', which does not exist");

    for (String name : List.of("assay.yaml", "metrics.yaml", DefinitionLock.FILE_NAME)) {
      Path c = TestConf.copy();
      Files.delete(c.resolve(name));
      Files.createSymbolicLink(c.resolve(name), Path.of(name));
      assertError(c, c.resolve(name), "symbolic link loop");
    }
  }

  @Test
  void symbolicLinksToRealFilesAndDirectoriesAreFollowed() throws IOException {
    Path conf = TestConf.copy();
    Path elsewhere = conf.getParent().resolve("definitions");
    Files.move(conf.resolve("experiments"), elsewhere);
    Files.createSymbolicLink(conf.resolve("experiments"), Path.of("../definitions"));
    assertEquals(6, ConfigLoader.load(conf).experiments().size());
  }

  @Test
  void aMissingOrEmptyExperimentsDirectoryIsAnError() throws IOException {
    Path conf = confWithoutExperiments();
    Path dir = conf.resolve("experiments");
    assertError(conf, dir, "no experiments directory");

    Files.createDirectory(dir);
    assertError(conf, dir, "no experiment definitions");
    assertStageStopsBeforeSpark(conf, dir, "no experiment definitions");

    // Key directories without a definition do not count as definitions.
    Files.createDirectory(dir.resolve("checkout_button"));
    assertError(conf, dir, "no experiment definitions");
  }

  @Test
  void aFileOverTheSizeLimitSaysSoNotFixTheSyntax() throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve("experiments/checkout_button/1.0.0.yaml");
    // Valid YAML: the definition followed by a long comment.
    String text = Files.readString(f);
    Files.writeString(f, text + "#" + "x".repeat((int) Yaml.MAX_BYTES - text.length()) + "\n");
    ConfigException e = assertError(conf, f, "more than the 3145728-byte (3 MiB) limit");
    assertTrue(e.errors().stream().noneMatch(p -> p.fix().contains("syntax")), e.getMessage());
  }

  /**
   * Permission denied, reported as such (not "file not found", not a stack trace, not an empty
   * directory). As root (as in CI containers) the kernel grants every read whatever the permission
   * bits (CAP_DAC_OVERRIDE), so a denial cannot be produced and this test is skipped; it was run as
   * an unprivileged user.
   */
  @Test
  void permissionDeniedIsReportedAsPermissionDenied() throws IOException {
    Path probe = Files.createTempFile("uid", "");
    int uid = (Integer) Files.getAttribute(probe, "unix:uid");
    Files.delete(probe);
    assumeFalse(
        uid == 0,
        "running as root: permission bits do not deny root's reads (CAP_DAC_OVERRIDE), so a denial"
            + " cannot be produced here");

    Path conf = TestConf.copy();
    Path f = conf.resolve("experiments/checkout_button/1.0.0.yaml");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    assertError(conf, f, "permission denied: the file cannot be read");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    Path keyDir = conf.resolve("experiments/checkout_button");
    Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("rw-r--r--")); // no x
    assertError(conf, f, "permission denied");
    Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("---------"));
    assertError(conf, keyDir, "permission denied: cannot list the directory");
    Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("rwxr-xr-x"));

    Path dir = conf.resolve("experiments");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("---------"));
    assertError(conf, dir, "permission denied: cannot list the directory");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path confWithoutExperiments() throws IOException {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    try (var s = Files.walk(conf.resolve("experiments"))) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    return conf;
  }

  /**
   * Loading fails with an error on {@code file} whose message holds {@code message}, with a fix.
   */
  private static ConfigException assertError(Path conf, Path file, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    Predicate<Problem> match =
        p ->
            p.file().equals(file.toString())
                && p.message().contains(message)
                && p.fix() != null
                && !p.fix().isBlank();
    assertTrue(e.errors().stream().anyMatch(match), "expected " + message + ":\n" + e.getMessage());

    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("validate", "--conf", conf.toString()), err.toString());
    assertTrue(err.toString().contains(message), err.toString());
    return e;
  }

  /** A Spark stage exits 2 naming the problem, and writes nothing. */
  private static void assertStageStopsBeforeSpark(Path conf, Path file, String message) {
    Path out = conf.getParent().resolve("out");
    StringWriter err = new StringWriter();
    CommandLine stage = Main.commandLine();
    stage.setErr(new PrintWriter(err));
    stage.setOut(new PrintWriter(new StringWriter()));
    int code =
        stage.execute(
            "reconcile",
            "--conf",
            conf.toString(),
            "--date",
            "2026-11-02",
            "--logs",
            conf.getParent().resolve("logs").toString(),
            "--out",
            out.toString());
    String shown = err.toString();
    assertEquals(2, code, shown);
    assertTrue(shown.contains(file.toString()) && shown.contains(message), shown);
    assertTrue(shown.contains("nothing was run"), shown);
    assertFalse(Files.exists(out), "nothing may be written under the output root");
  }
}
