package io.assay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.testing.Commands;
import io.assay.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code assay import growthbook} on the command line: output, exit codes, then lock and explain.
 */
class ImportCommandTest {
  /**
   * GrowthBook's spec case "empty experiment rule - c" (cases.json, feature section): a rule with
   * variations only, in feature "feature"; user id "123" gets variation 2 (result key "2") at
   * bucket 0.863. Plus a forced-value rule, which the import ignores.
   */
  static final String PAYLOAD =
      """
      {"features": {
        "feature": {"rules": [{"variations": ["a", "b", "c"]}]},
        "other": {"defaultValue": 1, "rules": [{"force": 2}]}
      }}
      """;

  static Path conf() throws Exception {
    Path conf = Fixtures.tempDir("gb-cli-").resolve("conf");
    Files.createDirectories(conf);
    Files.copy(Path.of("conf/assay.yaml"), conf.resolve("assay.yaml"));
    Files.copy(Path.of("conf/metrics.yaml"), conf.resolve("metrics.yaml"));
    return conf;
  }

  static Path write(Path conf, String name, String text) throws Exception {
    Path f = conf.resolveSibling(name);
    Files.writeString(f, text);
    return f;
  }

  static Commands.Ran importGrowthBook(Path conf, Path payload, String... more) {
    String[] base = {
      "import",
      "growthbook",
      "--features",
      payload.toString(),
      "--conf",
      conf.toString(),
      "--start",
      "2026-11-01",
      "--primary-metric",
      "conversion"
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Commands.run(args);
  }

  @Test
  void helpOnEachLevel() {
    Commands.Ran top = Commands.run("import", "--help");
    assertEquals(0, top.code());
    assertTrue(top.text().startsWith("Usage: assay import"), top.text());
    assertTrue(top.text().contains("growthbook"), top.text());
    Commands.Ran gb = Commands.run("import", "growthbook", "--help");
    assertEquals(0, gb.code());
    for (String option :
        new String[] {
          "--features",
          "--conf",
          "--start",
          "--primary-metric",
          "--owner",
          "--dry-run",
          "--no-sticky-bucketing"
        }) {
      assertTrue(gb.text().contains(option), option + " missing:\n" + gb.text());
    }
    assertEquals(2, Commands.run("import").code(), "what to import from is required");
    assertEquals(2, Commands.run("import", "growthbook").code(), "--features is required");
  }

  @Test
  void importsThenLocksThenExplainsAsGrowthBookAssigns() throws Exception {
    Path conf = conf();
    Path payload = write(conf, "features.json", PAYLOAD);
    Commands.Ran dry = importGrowthBook(conf, payload, "--dry-run");
    assertEquals(0, dry.code(), dry.text());
    assertTrue(dry.text().contains("would write experiments/feature/1.0.0.yaml"), dry.text());
    assertFalse(Files.exists(conf.resolve("experiments")), "a dry run writes nothing");

    Commands.Ran first = importGrowthBook(conf, payload);
    assertEquals(0, first.code(), first.text());
    assertTrue(
        first.text().contains("wrote      experiments/feature/1.0.0.yaml  (new experiment;"),
        first.text());
    assertTrue(first.text().contains("1 forced-value rule(s) ignored"), first.text());
    Commands.Ran again = importGrowthBook(conf, payload);
    assertEquals(0, again.code(), again.text());
    assertTrue(again.text().contains("unchanged  feature@1.0.0"), again.text());
    assertTrue(again.text().contains("nothing changed: 1 experiment(s)"), again.text());

    Commands.Ran lock = Commands.run("lock", "--conf", conf.toString());
    assertEquals(0, lock.code(), lock.text());
    assertTrue(lock.text().contains("locked feature@1.0.0"), lock.text());
    Commands.Ran validate = Commands.run("validate", "--conf", conf.toString());
    assertEquals(0, validate.code(), validate.text());

    Commands.Ran explain =
        Commands.run(
            "explain",
            "--conf",
            conf.toString(),
            "--experiment",
            "feature",
            "--unit",
            "123",
            "--at",
            "2026-11-02T00:00:00Z",
            "--json");
    assertEquals(0, explain.code(), explain.text());
    JsonNode j = new ObjectMapper().readTree(explain.text().substring(explain.text().indexOf('{')));
    assertEquals("2", j.get("arm").asText(), explain.text());
    assertEquals(0.863, j.get("position").asDouble(), 0.0, explain.text());

    // A changed rule: the next minor version, and lock records it.
    Files.writeString(payload, PAYLOAD.replace("[\"a\", \"b\", \"c\"]}", "[\"a\", \"b\"]}"));
    Commands.Ran changed = importGrowthBook(conf, payload);
    assertEquals(0, changed.code(), changed.text());
    assertTrue(
        changed
            .text()
            .contains("experiments/feature/1.1.0.yaml  (changed from feature@1.0.0: arms"),
        changed.text());
    assertEquals(2, Commands.run("validate", "--conf", conf.toString()).code(), "not locked yet");
    assertEquals(0, Commands.run("lock", "--conf", conf.toString()).code());
    assertEquals(0, Commands.run("validate", "--conf", conf.toString()).code());
  }

  @Test
  void badInputIsExitCode2NamingFileFeatureRuleAndFieldWritingNothing() throws Exception {
    Path conf = conf();
    Path bad =
        write(
            conf,
            "bad.json",
            """
            {"features": {"checkout": {"rules": [
              {"key": "cta", "variations": [0, 1], "condition": {"version": {"$vgte": "2.0.0"}}}
            ]}}}
            """);
    Commands.Ran r = importGrowthBook(conf, bad);
    assertEquals(2, r.code(), r.text());
    assertTrue(
        r.text()
            .contains(
                "bad.json: features.checkout.rules[0].condition.version.$vgte: operator '$vgte' is"
                    + " not supported (experiment 'cta')"),
        r.text());
    assertFalse(Files.exists(conf.resolve("experiments")), "nothing written");

    Path malformed = write(conf, "malformed.json", "{\"features\": [");
    r = importGrowthBook(conf, malformed);
    assertEquals(2, r.code(), r.text());
    assertTrue(r.text().contains("malformed.json: not valid JSON"), r.text());

    r =
        Commands.run(
            "import",
            "growthbook",
            "--features",
            write(conf, "ok.json", PAYLOAD).toString(),
            "--conf",
            conf.toString(),
            "--primary-metric",
            "conversion",
            "--start",
            "yesterday");
    assertEquals(2, r.code(), r.text());
    assertTrue(r.text().contains("--start 'yesterday' is not a timestamp"), r.text());
    assertFalse(Files.exists(conf.resolve("experiments")), "nothing written");
  }
}
