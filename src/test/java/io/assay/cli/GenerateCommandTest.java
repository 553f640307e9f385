package io.assay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code assay generate}: help and bad usage (exit 2, nothing written, no Spark started). */
class GenerateCommandTest {
  static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void helpListsTheOptions() {
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, new StringWriter(), "generate", "--help"));
    for (String o :
        new String[] {
          "--out",
          "--units",
          "--days",
          "--seed",
          "--faults",
          "--format",
          "--experiments",
          "--metrics"
        }) {
      assertTrue(out.toString().contains(o), o + " missing from\n" + out);
    }
  }

  @Test
  void badUsageExits2AndWritesNothing() {
    Path world = Fixtures.tempDir("world-").resolve("w");
    StringWriter err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, "generate", "--units", "10"));
    assertTrue(err.toString().contains("--out"), err.toString());

    err = new StringWriter();
    assertEquals(
        2, run(new StringWriter(), err, "generate", "--out", world.toString(), "--units", "0"));
    assertTrue(err.toString().contains("units must be in [1,"), err.toString());

    err = new StringWriter();
    assertEquals(
        2,
        run(
            new StringWriter(),
            err,
            "generate",
            "--out",
            world.toString(),
            "--units",
            "10",
            "--faults",
            "some"));
    assertTrue(err.toString().contains("--faults"), err.toString());

    String w = world.toString();
    err = new StringWriter();
    assertEquals(
        2, run(new StringWriter(), err, "generate", "--out", w, "--units", "10", "--metrics", "5"));
    assertTrue(err.toString().contains("--metrics needs --experiments"), err.toString());

    err = new StringWriter();
    assertEquals(
        2,
        run(
            new StringWriter(),
            err,
            "generate",
            "--conf",
            "conf",
            "--out",
            w,
            "--units",
            "10",
            "--experiments",
            "5"));
    assertTrue(err.toString().contains("--conf and --experiments exclude"), err.toString());

    err = new StringWriter();
    assertEquals(
        2,
        run(
            new StringWriter(),
            err,
            "generate",
            "--out",
            w,
            "--units",
            "10",
            "--experiments",
            "0"));
    assertTrue(err.toString().contains("experiments must be in [1, 999]"), err.toString());

    err = new StringWriter();
    assertEquals(
        2,
        run(
            new StringWriter(),
            err,
            "generate",
            "--out",
            w,
            "--units",
            "0",
            "--experiments",
            "5",
            "--metrics",
            "2"));
    assertTrue(err.toString().contains("units must be in [1,"), err.toString());
    assertTrue(!Files.exists(world), "nothing is written on bad usage");
  }
}
