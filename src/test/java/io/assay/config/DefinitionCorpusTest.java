package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.pipeline.Definitions;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every broken file under {@code src/test/resources/bad-definitions/} is rejected before Spark
 * starts, with a problem naming the file, the field path and the fix. Each file states what it
 * expects in its first two lines ({@code # expect-path:} and {@code # expect-message:}); it is
 * installed into a copy of the project's conf/ (experiments as experiments/bad_case/1.0.0.yaml, the
 * others replacing assay.yaml or metrics.yaml). Both {@code validate} and a Spark stage ({@code
 * reconcile}) exit 2 naming the file, the field path and the fix; the stage starts no Spark session
 * (checked when the JVM has none yet; {@code BadDefinitionChildJvmTest} checks it in a fresh JVM)
 * and leaves its output root absent.
 */
class DefinitionCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/bad-definitions");

  static Stream<Path> corpus() throws IOException {
    return Stream.of("experiments", "assay", "metrics")
        .flatMap(
            d -> {
              try {
                return Files.list(CORPUS.resolve(d)).sorted();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void rejectedWithFileFieldAndFix(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String expectPath = header(lines, "# expect-path:");
    String expectMessage = header(lines, "# expect-message:");
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    String kind = file.getParent().getFileName().toString();
    String target =
        switch (kind) {
          case "experiments" -> "experiments/bad_case/1.0.0.yaml";
          case "assay" -> "assay.yaml";
          default -> "metrics.yaml";
        };
    TestConf.write(conf, target, Files.readString(file));

    ConfigException e = assertThrows(ConfigException.class, () -> Definitions.load(conf));
    String shownFile = conf.resolve(target).toString();
    boolean found =
        e.errors().stream()
            .anyMatch(
                p ->
                    p.file().equals(shownFile)
                        && (expectPath.equals("line")
                            ? p.path().startsWith("line ")
                            : p.path().equals(expectPath))
                        && p.render().contains(expectMessage)
                        && p.fix() != null
                        && !p.fix().isBlank());
    assertTrue(
        found,
        "expected an error at "
            + shownFile
            + ": "
            + expectPath
            + " containing \""
            + expectMessage
            + "\"; got:\n"
            + e.getMessage());

    // The launcher's validate command exits 2 and prints the same problem.
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("validate", "--conf", conf.toString()));
    assertTrue(err.toString().contains(expectMessage), err.toString());

    // A Spark stage stops the same way, before any session exists or anything is written: the
    // output root stays absent.
    boolean sessionBefore = SparkSession.getDefaultSession().isDefined();
    Path out = conf.getParent().resolve("out");
    StringWriter stageErr = new StringWriter();
    CommandLine stage = Main.commandLine();
    stage.setErr(new PrintWriter(stageErr));
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
    String shown = stageErr.toString();
    assertEquals(2, code, shown);
    assertTrue(shown.contains(shownFile), "names the file: " + shown);
    if (!expectPath.equals("line") && !expectPath.isEmpty()) {
      assertTrue(shown.contains(": " + expectPath + ": "), "names the field path: " + shown);
    }
    assertTrue(shown.contains(expectMessage) && shown.contains(". Fix: "), shown);
    assertTrue(shown.contains("nothing was run"), shown);
    assertFalse(Files.exists(out), "nothing may be written under the output root");
    if (!sessionBefore) {
      assertFalse(SparkSession.getDefaultSession().isDefined(), "no Spark session was started");
    }
  }

  private static String header(List<String> lines, String prefix) {
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("corpus file lacks '" + prefix + "'"));
  }
}
