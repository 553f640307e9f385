package io.assay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatsAndPowerCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static final String SLEEP =
      "{\"kind\": \"mean\", \"control\": \"g2\", \"arms\": ["
          + "{\"arm\": \"g1\", \"n\": 10, \"sum\": 7.5, \"sum_squares\": 34.43},"
          + "{\"arm\": \"g2\", \"n\": 10, \"sum\": 23.3, \"sum_squares\": 90.37}]}";

  /** R 4.x t.test(extra ~ group, data = sleep): p-value = 0.07939. */
  @Test
  void statsFromFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("req.json");
    Files.writeString(f, SLEEP);
    Run r = run(new StatsCommand(), "--input", f.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(0.07939, j.at("/arms/0/absolute/p_value").asDouble(), 5e-6);
  }

  @Test
  void statsFromStdin() throws Exception {
    Run r = run(new StatsCommand(new ByteArrayInputStream(SLEEP.getBytes(StandardCharsets.UTF_8))));
    assertEquals(0, r.code(), r.err());
    assertEquals(
        17.776, new ObjectMapper().readTree(r.out()).at("/arms/0/absolute/df").asDouble(), 5e-4);
  }

  @Test
  void statsInvalidInputExitsTwoWithFieldOnStderr() {
    String bad = SLEEP.replace("\"n\": 10,", "\"n\": -3,");
    Run r = run(new StatsCommand(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("arms[0].n: must be a whole number ≥ 0, was -3"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void statsMissingFileExitsTwo(@TempDir Path dir) {
    Run r = run(new StatsCommand(), "--input", dir.resolve("nope.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("file not found"), r.err());
  }

  static Run stats(String request) {
    return run(
        new StatsCommand(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * Issue 22, D1: the Welch df used to overflow to NaN with these finite sums, and the command
   * exited 1 with a stack trace. By hand (OutOfRangeTest): se = √(1e157/45) = 4.714045207910317e77,
   * df = 18, p = 1; the control mean is 0, so the error is zero_baseline. The same data through
   * CUPED (a covariate carrying nothing, θ = 0) and as a ratio over one denominator unit each give
   * the same se.
   */
  @Test
  void statsHugeSumsOfSquaresExitZeroWithTheRightNumbers() throws Exception {
    double se = Math.sqrt(1e157 / 45);
    Run mean =
        stats(
            "{\"kind\":\"mean\",\"control\":\"A\",\"arms\":[{\"arm\":\"A\",\"n\":10,\"sum\":0,"
                + "\"sum_squares\":1e157},{\"arm\":\"B\",\"n\":10,\"sum\":0,\"sum_squares\":1e157}]}");
    assertEquals(0, mean.code(), mean.err());
    JsonNode m = new ObjectMapper().readTree(mean.out());
    assertEquals(18.0, m.at("/arms/0/absolute/df").asDouble(), 1e-12);
    assertEquals(se, m.at("/arms/0/absolute/se").asDouble(), se * 1e-15);
    assertEquals(1.0, m.at("/arms/0/absolute/p_value").asDouble(), 0);
    assertEquals("zero_baseline", m.at("/arms/0/error").asText());

    Run cuped =
        stats(
            "{\"kind\":\"mean\",\"cuped\":true,\"control\":\"A\",\"arms\":["
                + "{\"arm\":\"A\",\"n\":10,\"sum\":0,\"sum_squares\":1e157,\"pre_sum\":0,"
                + "\"pre_sum_squares\":1,\"pre_sum_products\":0},"
                + "{\"arm\":\"B\",\"n\":10,\"sum\":0,\"sum_squares\":1e157,\"pre_sum\":0,"
                + "\"pre_sum_squares\":1,\"pre_sum_products\":0}]}");
    assertEquals(0, cuped.code(), cuped.err());
    JsonNode c = new ObjectMapper().readTree(cuped.out());
    assertEquals(18.0, c.at("/arms/0/absolute/df").asDouble(), 1e-12);
    assertEquals(se, c.at("/arms/0/absolute/se").asDouble(), se * 1e-15);

    Run ratio =
        stats(
            "{\"kind\":\"ratio\",\"control\":\"A\",\"arms\":["
                + "{\"arm\":\"A\",\"n\":10,\"sum\":0,\"sum_squares\":1e157,\"den_sum\":10,"
                + "\"den_sum_squares\":10,\"sum_products\":0},"
                + "{\"arm\":\"B\",\"n\":10,\"sum\":0,\"sum_squares\":1e157,\"den_sum\":10,"
                + "\"den_sum_squares\":10,\"sum_products\":0}]}");
    assertEquals(0, ratio.code(), ratio.err());
    assertEquals(
        se,
        new ObjectMapper().readTree(ratio.out()).at("/arms/0/absolute/se").asDouble(),
        se * 1e-15);
  }

  /**
   * Issue 22, D1: Σy² = 1e-320 (subnormal) used to exit 1 with a stack trace (df 0/0); now exit 0,
   * error out_of_range, every statistic null — on the mean, CUPED and ratio paths, and for a ratio
   * whose denominator is so near 0 that its variance overflows.
   */
  @Test
  void statsSubnormalSumsOfSquaresExitZeroOutOfRange() throws Exception {
    String[] requests = {
      "{\"kind\":\"mean\",\"control\":\"A\",\"arms\":[{\"arm\":\"A\",\"n\":10,\"sum\":0,"
          + "\"sum_squares\":1e-320},{\"arm\":\"B\",\"n\":10,\"sum\":0,\"sum_squares\":1e-320}]}",
      "{\"kind\":\"mean\",\"cuped\":true,\"control\":\"A\",\"arms\":["
          + "{\"arm\":\"A\",\"n\":10,\"sum\":0,\"sum_squares\":1e-320,\"pre_sum\":0,"
          + "\"pre_sum_squares\":1,\"pre_sum_products\":0},"
          + "{\"arm\":\"B\",\"n\":10,\"sum\":0,\"sum_squares\":1e-320,\"pre_sum\":0,"
          + "\"pre_sum_squares\":1,\"pre_sum_products\":0}]}",
      "{\"kind\":\"ratio\",\"control\":\"A\",\"arms\":["
          + "{\"arm\":\"A\",\"n\":10,\"sum\":0,\"sum_squares\":1e-320,\"den_sum\":10,"
          + "\"den_sum_squares\":10,\"sum_products\":0},"
          + "{\"arm\":\"B\",\"n\":10,\"sum\":0,\"sum_squares\":1e-320,\"den_sum\":10,"
          + "\"den_sum_squares\":10,\"sum_products\":0}]}",
      "{\"kind\":\"ratio\",\"control\":\"A\",\"arms\":["
          + "{\"arm\":\"A\",\"n\":10,\"sum\":10,\"sum_squares\":20,\"den_sum\":1e-160,"
          + "\"den_sum_squares\":1e-300,\"sum_products\":0},"
          + "{\"arm\":\"B\",\"n\":10,\"sum\":10,\"sum_squares\":20,\"den_sum\":1e-160,"
          + "\"den_sum_squares\":1e-300,\"sum_products\":0}]}"
    };
    for (String request : requests) {
      Run r = stats(request);
      assertEquals(0, r.code(), request + "\n" + r.err());
      JsonNode a = new ObjectMapper().readTree(r.out()).at("/arms/0");
      assertEquals("out_of_range", a.get("error").asText(), request);
      for (String f : new String[] {"effect", "se", "p_value", "ci_lower", "df"}) {
        assertTrue(a.at("/absolute/" + f).isNull(), f + " in " + a);
      }
      assertTrue(a.at("/power/mde_absolute").isNull(), a.toString());
    }
  }

  /**
   * Issue 22, D2: (Σy)²/n = 1e400/10 overflows a double, so no finite Σy² reaches it; the request
   * used to pass, with the arm's variance read as 0 and p = 0. Now exit 2 naming the arm and the
   * field.
   */
  @Test
  void statsSumOfSquaresBelowAnOverflowingBoundExitsTwo() {
    Run r =
        stats(
            "{\"kind\":\"mean\",\"control\":\"A\",\"arms\":[{\"arm\":\"A\",\"n\":10,"
                + "\"sum\":1e200,\"sum_squares\":1e300},{\"arm\":\"B\",\"n\":10,\"sum\":0,"
                + "\"sum_squares\":1}]}");
    assertEquals(2, r.code(), r.out());
    assertEquals("", r.out());
    assertEquals(
        "arms[0].sum_squares: must be at least sum²/n, which overflows a double for sum = 1.0E200"
            + " and n = 10: no real values of arm 'A' have these sums\n",
        r.err().replace(System.lineSeparator(), "\n"));
  }

  /**
   * Issue 22, D3, the example: control mean −2 ({−3, −1}), treatment −1 ({−2, 0}). The
   * absolute effect is +1 and the relative lift +0.5 (it was −0.5); chance to beat control Φ(1/√2)
   * = 0.7602499389065233 and the relative expected loss se·φ(z) − μΦ(−z) with μ = 1/2, se = √5/4, z
   * = 2/√5: 0.0567184275784281 (WelchTTestTest works the numbers).
   */
  @Test
  void statsNegativeBaselineLiftHasTheSignOfTheEffect() throws Exception {
    Run r =
        stats(
            "{\"kind\":\"mean\",\"control\":\"A\",\"arms\":[{\"arm\":\"A\",\"n\":2,\"sum\":-4,"
                + "\"sum_squares\":10},{\"arm\":\"B\",\"n\":2,\"sum\":-2,\"sum_squares\":4}]}");
    assertEquals(0, r.code(), r.err());
    JsonNode a = new ObjectMapper().readTree(r.out()).at("/arms/0");
    assertEquals(1.0, a.at("/absolute/effect").asDouble(), 0);
    assertEquals(0.5, a.at("/relative/effect").asDouble(), 0);
    assertTrue(a.at("/relative/ci_upper").asDouble() > 0.5, a.toString());
    assertEquals(0.7602499389065233, a.at("/bayesian/chance_to_beat_control").asDouble(), 1e-12);
    assertEquals(0.0567184275784281, a.at("/bayesian/expected_loss_relative").asDouble(), 1e-12);
  }

  /**
   * Issue 22, D4: a ratio's sum_products and CUPED's pre_sum_products beyond Cauchy–Schwarz used to
   * give ordinary-looking results (p = 0.064; θ = 12.2); now exit 2 naming the field and the arm
   * (the bounds are worked in StatsAnalysisTest).
   */
  @Test
  void statsImpossibleCrossProductsExitTwo() {
    Run ratio =
        stats(
            "{\"kind\":\"ratio\",\"control\":\"c\",\"arms\":["
                + "{\"arm\":\"c\",\"n\":3,\"sum\":12,\"sum_squares\":62,\"den_sum\":6,"
                + "\"den_sum_squares\":14,\"sum_products\":40},"
                + "{\"arm\":\"t\",\"n\":4,\"sum\":24,\"sum_squares\":158,\"den_sum\":8,"
                + "\"den_sum_squares\":22,\"sum_products\":57}]}");
    assertEquals(2, ratio.code(), ratio.out());
    assertEquals("", ratio.out());
    assertTrue(
        ratio.err().startsWith("arms[0].sum_products: must be between 18.708497377870"),
        ratio.err());
    assertTrue(ratio.err().contains("no real values of arm 'c' have these sums"), ratio.err());
    Run cuped =
        stats(
            "{\"kind\":\"mean\",\"cuped\":true,\"control\":\"c\",\"arms\":["
                + "{\"arm\":\"c\",\"n\":3,\"sum\":12,\"sum_squares\":56,\"pre_sum\":6,"
                + "\"pre_sum_squares\":14,\"pre_sum_products\":28},"
                + "{\"arm\":\"t\",\"n\":4,\"sum\":32,\"sum_squares\":282,\"pre_sum\":10,"
                + "\"pre_sum_squares\":30,\"pre_sum_products\":-50}]}");
    assertEquals(2, cuped.code(), cuped.out());
    assertTrue(cuped.err().startsWith("arms[1].pre_sum_products: must be between"), cuped.err());
  }

  /** R 4.x power.t.test(power = .90, delta = 1): n = 22.02110 → 23 per arm. */
  @Test
  void powerSampleSizeText() {
    Run r =
        run(
            new PowerCommand(),
            "--metric",
            "mean",
            "--baseline",
            "10",
            "--sd",
            "1",
            "--mde",
            "1",
            "--power",
            "0.9");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("control 23, each treatment 23"), r.out());
    assertTrue(r.out().contains("total n    46"), r.out());
  }

  /** R 4.x power.prop.test(n = 50, p1 = .5, power = .9): "=> p2 = 0.8026". */
  @Test
  void powerMdeJson() throws Exception {
    Run r =
        run(
            new PowerCommand(),
            "--metric",
            "proportion",
            "--baseline",
            "0.5",
            "--n",
            "50",
            "--power",
            "0.9",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(0.3026, j.get("mde_absolute").asDouble(), 5e-5);
    assertEquals(0.6052, j.get("mde_relative").asDouble(), 1e-4);
  }

  /** power.prop.test(p1 = .5, p2 = .75, power = .9): n = 76.7 (relative MDE +50%). */
  @Test
  void powerRelativeMdeJson() throws Exception {
    Run r =
        run(
            new PowerCommand(),
            "--metric",
            "proportion",
            "--baseline",
            "0.5",
            "--mde",
            "0.5",
            "--relative",
            "--power",
            "0.9",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(76.7069, j.get("n_control").asDouble(), 1e-4);
    assertEquals(77, j.get("n_control_rounded_up").asLong());
    assertEquals(154, j.get("total_rounded_up").asLong());
  }

  @Test
  void powerInvalidInputExitsTwo() {
    Run both =
        run(
            new PowerCommand(),
            "--metric",
            "proportion",
            "--baseline",
            "0.5",
            "--mde",
            "0.1",
            "--n",
            "50");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("either --mde or --n"), both.err());
    Run noSd = run(new PowerCommand(), "--metric", "mean", "--baseline", "3", "--mde", "1");
    assertEquals(2, noSd.code());
    assertTrue(noSd.err().contains("--sd is required"), noSd.err());
    Run kind = run(new PowerCommand(), "--metric", "median", "--baseline", "3", "--mde", "1");
    assertEquals(2, kind.code());
    assertTrue(kind.err().contains("--metric"), kind.err());
    Run badP =
        run(new PowerCommand(), "--metric", "proportion", "--baseline", "1.5", "--mde", "0.1");
    assertEquals(2, badP.code());
    Run missing = run(new PowerCommand(), "--baseline", "0.5");
    assertEquals(2, missing.code()); // picocli's usage error code
  }
}
