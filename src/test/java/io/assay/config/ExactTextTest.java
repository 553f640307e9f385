package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every text field of a definition keeps its text exactly as written, whatever it looks like (issue
 * 19, item 8): YAML 1.1 would read {@code 0123} as the octal number 83, {@code 0x1F} as 31, {@code
 * 1.50} as 1.5 and {@code yes} as true. Number and boolean fields still take numbers and booleans,
 * and reject the YAML 1.1 forms with the reason. The lock hash of a definition whose meaning did
 * not change is the one older versions computed.
 */
class ExactTextTest {
  private static final String DEF = "experiments/checkout_button/1.0.0.yaml";

  /** Plain scalars that a YAML 1.1 or JSON-typed reader turns into other values. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "0123",
        "0x1F",
        "1.50",
        "007",
        "1.10",
        "1_000",
        "1e3",
        "+5",
        "-0",
        "0o17",
        "0b101",
        "yes",
        "off",
        "True",
        "2026-11-01",
        "12345678.9",
        "0.0001",
        ".inf",
        "08",
        "0."
      })
  void everyTextFieldKeepsItsTextAsWritten(String v) throws IOException {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    boolean armName = ExperimentReader.NAME.matcher(v).matches();
    edit(
        conf,
        DEF,
        "salt: checkout_button",
        "salt: " + v,
        "owner: checkout-team@example.com",
        "owner: " + v,
        "unit: user",
        "unit: " + v,
        "in: [US, CA, GB, DE, FR]",
        "in: [" + v + ", US]",
        "strata: [platform, country]",
        "strata: [platform, " + v + "]");
    if (armName) {
      edit(conf, DEF, "{key: control,", "{key: " + v + ",", "control: control", "control: " + v);
    }
    edit(
        conf,
        "assay.yaml",
        "salt: ns-growth-2026",
        "salt: " + v,
        "salt: holdout-2026h2",
        "salt: " + v);
    edit(
        conf,
        "metrics.yaml",
        "description: Placed at least one paid order within 7 days of first exposure",
        "description: " + v);

    Conf c = ConfigLoader.load(conf);
    ExperimentDefinition d = c.resolve("checkout_button");
    assertEquals(v, d.salt());
    assertEquals(v, d.owner());
    assertEquals(v, d.unit());
    assertEquals(List.of("platform", v), d.strata());
    assertEquals(new Condition.In("country", List.of(v, "US")), d.eligibility());
    if (armName) {
      assertEquals(v, d.arms().get(0).key());
      assertEquals(v, d.control());
    }
    assertEquals(v, c.assay().namespace("growth").orElseThrow().salt());
    assertEquals(v, c.assay().holdout("holdout_2026h2").orElseThrow().salt());
    assertEquals(v, c.catalog().metric("conversion").orElseThrow().description());
  }

  @Test
  void numberFieldsTakePlainDecimals() throws IOException {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    edit(
        conf,
        DEF,
        "{key: control, weight: 0.5}",
        "{key: control, weight: 0.50}",
        "{key: big_button, weight: 0.5}",
        "{key: big_button, weight: 5e-1}",
        "traffic: 1.0",
        "traffic: .75",
        "alpha: 0.05",
        "alpha: +5E-2",
        "cuped: true",
        "cuped: True");
    ExperimentDefinition d = ConfigLoader.load(conf).resolve("checkout_button");
    assertEquals(List.of(0.5, 0.5), d.arms().stream().map(Arm::weight).toList());
    assertEquals(0.75, d.traffic().steps().get(0).traffic());
    assertEquals(0.05, d.analysis().alpha());
    assertTrue(d.analysis().cuped());
  }

  /**
   * The YAML 1.1 forms that used to be read as numbers or booleans are rejected, with the reason.
   */
  @Test
  void numberAndBooleanFieldsRejectYaml11FormsWithTheReason() throws IOException {
    String[][] cases = {
      {"weight: 0.5}", "weight: 0123}", "arms[0].weight", "leading zero"},
      {"weight: 0.5}", "weight: 0x1F}", "arms[0].weight", "YAML 1.1 number form"},
      {"weight: 0.5}", "weight: '0.5'}", "arms[0].weight", "quoted text '0.5'"},
      {"traffic: 1.0", "traffic: 1_0", "traffic", "YAML 1.1 number form"},
      {"traffic: 1.0", "traffic: .inf", "traffic", "finite number"},
      {"alpha: 0.05", "alpha: 0:05", "analysis.alpha", "YAML 1.1 number form"},
      {"cuped: true", "cuped: yes", "analysis.cuped", "YAML 1.1 boolean"},
      {"cuped: true", "cuped: 'true'", "analysis.cuped", "expected true or false"},
      {
        "  correction: holm",
        "  correction: holm\n  min_units_per_arm: 1_000",
        "analysis" + ".min_units_per_arm",
        "YAML 1.1 number form"
      },
      {
        "  correction: holm",
        "  correction: holm\n  min_units_per_arm: 100.0",
        "analysis" + ".min_units_per_arm",
        "expected a whole number"
      },
    };
    for (String[] c : cases) {
      Path conf = TestConf.copy();
      Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
      Path f = conf.resolve(DEF);
      Files.writeString(
          f, Files.readString(f).replaceFirst(java.util.regex.Pattern.quote(c[0]), c[1]));
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf), c[1]);
      assertTrue(
          e.errors().stream()
              .anyMatch(
                  p ->
                      p.file().equals(f.toString())
                          && p.path().equals(c[2])
                          && p.message().contains(c[3])
                          && !p.fix().isBlank()),
          c[1] + " → " + e.getMessage());
    }
  }

  /**
   * The canonical hash renders each value as the type its field reads: formatting of a number does
   * not change it, but text that differs in any character does. For definitions whose values mean
   * what they meant before, it is the hash older versions wrote into lock files (computed here with
   * the old reading, Jackson's YAML tree, as the independent reference).
   */
  @Test
  void theLockHashFollowsTheMeaningAndKeepsOldLockLinesValid() throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve(DEF);
    String base = Files.readString(f);
    // Same meaning before and after: the old hash.
    for (String salt :
        List.of("checkout_button", "2026", "-7", "1.5", "0.001", "'0123'", "\"x\"")) {
      String text = base.replace("salt: checkout_button", "salt: " + salt);
      assertEquals(oldHash(text), newHash(f, text), salt);
    }
    String eq = base.replace("in: [US, CA, GB, DE, FR]", "in: [1, 2.5, US]");
    assertEquals(oldHash(eq), newHash(f, eq));
    String weights = base.replace("weight: 0.5}", "weight: 0.50}");
    assertEquals(oldHash(weights), newHash(f, weights));
    assertEquals(newHash(f, base), newHash(f, weights), "number formatting does not count");

    // Values the old reading rewrote now mean what they say, and hash differently.
    for (String salt : List.of("0123", "1.50", "0x1F", "1_000", "0.0001", "+5")) {
      String text = base.replace("salt: checkout_button", "salt: " + salt);
      assertNotEquals(oldHash(text), newHash(f, text), salt);
    }
    // Text that differs in a character is a different definition, even when it looks numeric.
    assertNotEquals(
        newHash(f, base.replace("salt: checkout_button", "salt: 1.5")),
        newHash(f, base.replace("salt: checkout_button", "salt: 1.50")));
    assertNotEquals(
        newHash(f, base.replace("salt: checkout_button", "salt: 2026")),
        newHash(f, base.replace("salt: checkout_button", "salt: '2026.0'")));
  }

  /**
   * A definition locked by an older assay whose reading rewrote one of its text values: the file is
   * unchanged, so the message says that the reading changed, which values, and how to settle it;
   * writing the value as it was read keeps the old lock line.
   */
  @Test
  void aDefinitionLockedUnderTheOldReadingIsExplained() throws IOException {
    Path conf = TestConf.copy();
    Path f = conf.resolve(DEF);
    String text = Files.readString(f).replace("salt: checkout_button", "salt: 0123");
    Files.writeString(f, text);
    Path lock = conf.resolve(DefinitionLock.FILE_NAME);
    String oldLine = "checkout_button 1.0.0 " + oldHash(text);
    Files.writeString(
        lock, Files.readString(lock).replaceAll("checkout_button 1\\.0\\.0 [0-9a-f]{64}", oldLine));

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    Problem p = e.errors().get(0);
    assertEquals(f.toString(), p.file());
    assertTrue(p.message().contains("is unchanged since it was locked"), p.message());
    assertTrue(p.message().contains("salt: 0123 was read as 83"), p.message());
    assertTrue(p.fix().contains("checkout_button 1.0.0 " + newHash(f, text)), p.fix());
    assertTrue(p.fix().contains("write them as they were read (salt: 83)"), p.fix());

    // Following the fix's second route restores the old meaning and the old lock line holds.
    Files.writeString(f, text.replace("salt: 0123", "salt: 83"));
    assertEquals("83", ConfigLoader.load(conf).resolve("checkout_button").salt());

    // A real change is still reported as one.
    Files.writeString(f, text.replace("salt: 0123", "salt: 84"));
    ConfigException changed = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    assertTrue(changed.errors().get(0).message().contains("changed after it was locked"));
  }

  /** The hash of a definition's text as the old reading computed it. */
  private static String oldHash(String text) throws IOException {
    ObjectMapper old =
        new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setNodeFactory(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
    return LegacyReading.sha256(old.readTree(text));
  }

  /** The hash of a definition's text as it is read now (the file is rewritten in place). */
  private static String newHash(Path f, String text) throws IOException {
    Files.writeString(f, text);
    Problems problems = new Problems();
    ExperimentDefinition d =
        ExperimentReader.read(
            Yaml.read(f, f.toString(), problems), f.toString(), null, null, problems);
    assertTrue(problems.errors().isEmpty(), problems.errors().toString());
    return d.sha256();
  }

  private static void edit(Path conf, String file, String... pairs) throws IOException {
    Path f = conf.resolve(file);
    String s = Files.readString(f);
    for (int i = 0; i < pairs.length; i += 2) {
      assertTrue(s.contains(pairs[i]), file + " lacks " + pairs[i]);
      s = s.replace(pairs[i], pairs[i + 1]);
    }
    Files.writeString(f, s);
  }
}
