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

  /** {@code generate ARGS} exits 2 with {@code message} on stderr. */
  private static void usage(String message, String... args) {
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "generate";
    System.arraycopy(args, 0, all, 1, args.length);
    assertEquals(2, run(new StringWriter(), err, all), String.join(" ", all));
    assertTrue(err.toString().contains(message), err.toString());
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
    usage("--metrics needs --experiments", "--out", w, "--units", "10", "--metrics", "5");
    usage(
        "--conf and --experiments exclude",
        "--conf",
        "conf",
        "--out",
        w,
        "--units",
        "10",
        "--experiments",
        "5");
    usage("experiments must be in [1, 999]", "--out", w, "--units", "10", "--experiments", "0");
    usage("--conf-only needs --experiments", "--out", w, "--units", "10", "--conf-only");
    usage(
        "units must be in [1,", "--out", w, "--units", "0", "--experiments", "5", "--metrics", "2");
    assertTrue(!Files.exists(world), "nothing is written on bad usage");
  }
}
