package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.TestConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockAndValidationTest {
  private static final String DEF = "experiments/checkout_button/1.0.0.yaml";

  @Test
  void aChangedDefinitionFailsAndAsksForANewVersionFile() throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve(DEF);
    Files.writeString(
        f, Files.readString(f).replace("weight: 0.5}", "weight: 0.50}")); // same values
    ConfigLoader.load(conf); // formatting-only change: same canonical content, still valid

    Files.writeString(f, Files.readString(f).replace("traffic: 1.0", "traffic: 0.9"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    Problem p = e.errors().get(0);
    assertEquals(f.toString(), p.file());
    assertTrue(p.message().contains("changed after it was locked"), p.message());
    assertTrue(p.fix().contains("experiments/checkout_button/1.1.0.yaml"), p.fix());
  }

  @Test
  void commentsDoNotChangeTheHash() throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve(DEF);
    Files.writeString(f, "# a new comment\n" + Files.readString(f) + "\n# trailing\n");
    ConfigLoader.load(conf);
  }

  @Test
  void aNewVersionMustBeLockedThenValidates() throws IOException {
    Path conf = TestConf.copy();
    String v2 =
        Files.readString(conf.resolve(DEF))
            .replace("version: 1.0.0", "version: 1.1.0")
            .replace("traffic: 1.0", "traffic: 0.9");
    TestConf.write(conf, "experiments/checkout_button/1.1.0.yaml", v2);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    assertTrue(e.errors().get(0).message().contains("is not recorded in experiments.lock"));
    assertTrue(e.errors().get(0).fix().contains("jobs/assay lock"));

    Conf loaded = ConfigLoader.load(conf, ConfigLoader.LockMode.ALLOW_NEW);
    List<String> added = DefinitionLock.appendNew(conf, loaded.experiments());
    assertEquals(List.of("checkout_button@1.1.0"), added);
    Conf after = ConfigLoader.load(conf);
    assertEquals("1.1.0", after.latest("checkout_button").orElseThrow().version().toString());
    // Locking again changes nothing.
    assertTrue(DefinitionLock.appendNew(conf, after.experiments()).isEmpty());
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    String text =
        Files.readString(conf.resolve(DEF))
            .replace("weight: 0.5}", "weight: -0.5}")
            .replace("control: control", "control: nobody")
            .replace("salt: checkout_button", "salt: ''")
            .replace("primary: [conversion]", "primary: [conversions]");
    TestConf.write(conf, DEF, text);
    TestConf.write(
        conf,
        "metrics.yaml",
        Files.readString(conf.resolve("metrics.yaml")).replace("kind: count", "kind: tally"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    List<String> paths = e.errors().stream().map(Problem::path).toList();
    assertTrue(paths.contains("arms[0].weight"), paths.toString());
    assertTrue(paths.contains("arms[1].weight"), paths.toString());
    assertTrue(paths.contains("control"), paths.toString());
    assertTrue(paths.contains("salt"), paths.toString());
    assertTrue(paths.contains("metrics.orders_per_user.kind"), paths.toString());
    assertTrue(e.errors().size() >= 5);
  }

  @Test
  void quantileMetricsAreReadAndTheirMistakesNamed() throws IOException {
    Path conf = TestConf.copy();
    String metrics = Files.readString(conf.resolve("metrics.yaml"));
    String good =
        """
          load_p90:
            kind: quantile
            quantile: 0.9
            level: event
            source: page_views
            value: "1"
            window: "[0d, 7d)"
        """;
    TestConf.write(conf, "metrics.yaml", metrics + good);
    Quantile q =
        ConfigLoader.load(conf).catalog().metric("load_p90").orElseThrow().quantile().orElseThrow();
    assertEquals(new Quantile(0.9, Quantile.Of.EVENT, 0.005), q);

    String bad =
        """
          no_level:
            kind: quantile
            quantile: 1.5
            source: page_views
            value: "1"
            window: "[0d, 7d)"
            cap: {value: 10}
          bad_accuracy:
            kind: quantile
            quantile: 0.5
            level: session
            accuracy: 0.5
            source: page_views
            value: "1"
            window: "[0d, 7d)"
            cuped_window: "[-7d, 0d)"
          not_a_quantile:
            kind: mean
            quantile: 0.5
            source: page_views
            value: "1"
            window: "[0d, 7d)"
        """;
    TestConf.write(conf, "metrics.yaml", metrics + bad);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    List<String> paths = e.errors().stream().map(Problem::path).toList();
    for (String p :
        List.of(
            "metrics.no_level.quantile",
            "metrics.no_level.level",
            "metrics.no_level.cap",
            "metrics.bad_accuracy.level",
            "metrics.bad_accuracy.accuracy",
            "metrics.bad_accuracy.cuped_window",
            "metrics.not_a_quantile.quantile")) {
      assertTrue(paths.contains(p), p + " not in " + paths);
    }
  }

  @Test
  void eligibilityIsParsedIntoTheStructuredCondition() throws IOException {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    String text =
        Files.readString(conf.resolve(DEF))
            .replace(
                "eligibility:\n  attribute: country\n  in: [US, CA, GB, DE, FR]",
                "eligibility:\n  any:\n    - {attribute: country, eq: US}\n    - all:\n"
                    + "        - {attribute: age, gte: 18}\n        - not: {attribute: plan, ne: free}");
    TestConf.write(conf, DEF, text);
    Condition c = ConfigLoader.load(conf).resolve("checkout_button").eligibility();
    assertEquals(
        new Condition.Any(
            List.of(
                new Condition.In("country", List.of("US")),
                new Condition.All(
                    List.of(
                        new Condition.Compare("age", Condition.Op.GTE, 18),
                        new Condition.Not(new Condition.NotIn("plan", List.of("free"))))))),
        c);
    assertTrue(c.test(java.util.Map.of("country", "US")));
    assertTrue(c.test(java.util.Map.of("age", "20", "plan", "free")));
    assertFalse(c.test(java.util.Map.of("age", "20", "plan", "pro")));
    assertFalse(c.test(java.util.Map.of("age", "17", "plan", "free")));
  }

  @Test
  void semanticVersionsOrderAsTheSpecSays() {
    // Precedence example from semver.org §11.
    List<String> ordered =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1");
    for (int i = 0; i + 1 < ordered.size(); i++) {
      SemVer a = SemVer.parse(ordered.get(i));
      SemVer b = SemVer.parse(ordered.get(i + 1));
      assertTrue(a.compareTo(b) < 0, a + " < " + b);
    }
    for (String bad : List.of("1.0", "v1.0.0", "01.0.0", "1.0.0+build", "1.0.0-", "")) {
      assertEquals(null, SemVer.parse(bad), bad);
    }
  }
}
