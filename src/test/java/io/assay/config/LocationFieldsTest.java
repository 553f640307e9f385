package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Locations in assay.yaml, metrics.yaml and on the command line: paths or Hadoop URIs. */
class LocationFieldsTest {
  private static Path confWith(String file, String from, String to) throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve(file);
    String text = Files.readString(f);
    assertTrue(text.contains(from), from + " in " + f);
    Files.writeString(f, text.replace(from, to));
    return conf;
  }

  private record Run(int code, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int code = cl.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void uriRootsKeepTheirSchemeAndLocationsUnderThemFollow() throws IOException {
    Path conf =
        confWith(
            "assay.yaml",
            "root: ../data/demo          #",
            "root: hdfs://namenode:8020/lake/assay   #");
    Conf c = ConfigLoader.load(conf);
    assertEquals("hdfs://namenode:8020/lake/assay", c.assay().dataRoot().uri());
    assertEquals(
        "hdfs://namenode:8020/lake/assay/logs",
        c.assay().logs().source().fileLocation().orElseThrow().uri());
    assertEquals(
        "hdfs://namenode:8020/lake/assay/population",
        c.assay().population().fileLocation().orElseThrow().uri());
    for (MetricSource s : c.catalog().sources().values()) {
      assertTrue(
          s.source()
              .fileLocation()
              .orElseThrow()
              .uri()
              .startsWith("hdfs://namenode:8020/lake/assay/"),
          s.toString());
    }
    // the output root stays a local path, resolved against the conf directory
    assertTrue(c.assay().outputRoot().isLocal());
    assertEquals(
        conf.resolve("../data/demo/out").toAbsolutePath().normalize(),
        c.assay().outputRoot().localPath());
  }

  @Test
  void anS3UriIsAnErrorOnItsFieldWithTheS3aFix() throws IOException {
    Path conf = confWith("assay.yaml", "root: ../data/demo/out", "root: s3://bucket/out");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    String shown = e.errors().get(0).render();
    assertEquals(
        conf.resolve("assay.yaml")
            + ": output.root: 's3://bucket/out': the s3: scheme is not supported. Fix: use"
            + " s3a://bucket/out (Hadoop's S3 connector)",
        shown);
    Run r = run("validate", "--conf", conf.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(shown), r.err());
  }

  @Test
  void aSourceUriWithoutABucketIsAnErrorOnItsPath() throws IOException {
    Path conf = confWith("metrics.yaml", "path: orders", "path: gs:orders");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    assertTrue(
        e.errors().stream()
            .anyMatch(
                p ->
                    p.file().equals(conf.resolve("metrics.yaml").toString())
                        && p.path().endsWith(".path")
                        && p.message().contains("'gs:orders'")
                        && p.fix().equals("use gs://BUCKET/PATH")),
        e.getMessage());
  }

  @Test
  void validateNamesAnUnreachableLocationByFieldAndUri() throws IOException {
    Path conf =
        confWith("assay.yaml", "root: ../data/demo/out", "root: nosuchfs://bucket/assay/out");
    Run r = run("validate", "--conf", conf.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err()
            .contains(
                "error: "
                    + conf.resolve("assay.yaml")
                    + ": output.root: nosuchfs://bucket/assay/out cannot be reached: "),
        r.err());
    assertTrue(r.err().contains("no file system for the scheme 'nosuchfs'"), r.err());
  }

  @Test
  void aBadOutOptionIsAUsageError() {
    Run r =
        run(
            "report",
            "--conf",
            TestConf.copy().toString(),
            "--date",
            "2026-11-02",
            "--out",
            "s3n://bucket/out");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("use s3a://bucket/out (Hadoop's S3 connector)"), r.err());
  }
}
