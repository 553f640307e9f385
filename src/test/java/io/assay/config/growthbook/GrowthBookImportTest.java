package io.assay.config.growthbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Arm;
import io.assay.config.Condition;
import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.config.HashScheme;
import io.assay.config.NamespaceRange;
import io.assay.config.Problem;
import io.assay.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code assay import growthbook} without the command line: how each GrowthBook rule field maps to
 * a definition field, what is ignored, what is refused (naming feature, rule and field, writing
 * nothing), idempotence, new versions on change, and the lock afterwards. Expected values come from
 * GrowthBook's SDK semantics as documented in {@code packages/sdk-js/src/core.ts} (defaults: seed
 * falls back to the key, the key to the feature id, hashVersion to 1, coverage to 1, weights to
 * equal, hashAttribute to {@code id}; the result key is {@code meta[i].key} or the index).
 */
class GrowthBookImportTest {
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  /** A configuration directory with the project's site configuration and metric catalog only. */
  static Path emptyConf() {
    Path conf = Fixtures.tempDir("gb-").resolve("conf");
    try {
      Files.createDirectories(conf);
      Files.copy(Path.of("conf/assay.yaml"), conf.resolve("assay.yaml"));
      Files.copy(Path.of("conf/metrics.yaml"), conf.resolve("metrics.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return conf;
  }

  static Path payload(Path conf, String json) {
    Path f = conf.resolveSibling("features.json");
    try {
      Files.writeString(f, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  static GrowthBookImport.Options options() {
    return new GrowthBookImport.Options(START, List.of("conversion"), "growth-team", false);
  }

  /** Imports and writes; returns the plan. */
  static GrowthBookImport.Plan importInto(Path conf, String json) {
    GrowthBookImport.Plan plan = GrowthBookImport.plan(payload(conf, json), conf, options());
    GrowthBookImport.write(plan);
    return plan;
  }

  /** The problems of an import that must be refused; asserts nothing was written. */
  static List<Problem> refused(Path conf, String json, GrowthBookImport.Options o) {
    Map<String, String> before = files(conf);
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> GrowthBookImport.plan(payload(conf, json), conf, o));
    assertEquals(before, files(conf), "nothing written");
    return e.errors();
  }

  static List<Problem> refused(String json) {
    return refused(emptyConf(), json, options());
  }

  /** Every file under the directory with its content. */
  static Map<String, String> files(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          out.put(dir.relativize(p).toString(), Files.readString(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Conf load(Path conf) {
    return ConfigLoader.loadWith(conf, List.of(), true);
  }

  static String features(String rules) {
    return "{\"features\": {\"feat\": {\"defaultValue\": 0, \"rules\": [" + rules + "]}}}";
  }

  // ------------------------------------------------------------------ mapping

  @Test
  void everyAssignmentFieldMapsToItsDefinitionField() {
    Path conf = emptyConf();
    importInto(
        conf,
        features(
            """
            {"id": "fr_1", "key": "cta", "seed": "cta-seed", "hashVersion": 2, "coverage": 0.8,
             "hashAttribute": "deviceId", "variations": ["a", "b", "c"],
             "weights": [0.5, 0.25, 0.25], "namespace": ["checkout", 0.1, 0.6],
             "meta": [{"key": "control", "name": "A"}, {"key": "big"}, {"key": "red"}],
             "condition": {"country": "US"}, "name": "CTA test", "phase": "2"}
            """));
    ExperimentDefinition d = load(conf).latest("cta").orElseThrow();
    assertEquals("1.0.0", d.version().toString());
    assertEquals(HashScheme.GROWTHBOOK_V2, d.hash());
    assertEquals("cta-seed", d.salt());
    assertEquals("deviceId", d.unit());
    assertEquals(0.8, d.traffic().steps().get(0).traffic());
    assertEquals(
        List.of(new Arm("control", 0.5), new Arm("big", 0.25), new Arm("red", 0.25)), d.arms());
    assertEquals("control", d.control());
    assertEquals(Optional.of(new NamespaceRange("checkout", 0.1, 0.6)), d.namespace());
    assertEquals(new Condition.In("country", List.of("US")), d.eligibility());
    assertEquals(START, d.start());
    assertEquals(GrowthBookImport.OPEN_END, d.end());
    assertEquals("growth-team", d.owner());
    assertTrue(d.hypothesis().contains("feature 'feat', rule 0 (CTA test)"), d.hypothesis());
    assertEquals(List.of("conversion"), d.metrics().primary());
    assertTrue(d.holdout().isEmpty());
  }

  @Test
  void absentFieldsTakeGrowthBooksDefaults() {
    Path conf = emptyConf();
    importInto(conf, features("{\"variations\": [0, 1, 2]}"));
    // key: the feature id; seed: the key; hashVersion 1; coverage 1; equal weights; id.
    ExperimentDefinition d = load(conf).latest("feat").orElseThrow();
    assertEquals(HashScheme.GROWTHBOOK_V1, d.hash());
    assertEquals("feat", d.salt());
    assertEquals("id", d.unit());
    assertEquals(1.0, d.traffic().steps().get(0).traffic());
    assertEquals(List.of("0", "1", "2"), d.armKeys());
    for (double w : d.weights()) {
      assertEquals(1.0 / 3, w);
    }
    assertEquals("0", d.control());
    assertEquals(new Condition.Always(), d.eligibility());
    assertTrue(d.namespace().isEmpty());
  }

  @Test
  void emptyTextAndNullMeanAbsentAsJavaScriptsOrDoes() {
    // `rule.key || id`, `seed || key`, `hashAttribute || "id"`, `meta.key || index`; null
    // condition, weights and namespace are unset.
    Path conf = emptyConf();
    importInto(
        conf,
        features(
            """
            {"key": "", "seed": "", "hashAttribute": "", "hashVersion": null, "weights": null,
             "namespace": null, "condition": null, "variations": [0, 1],
             "meta": [{"key": ""}, {}]}
            """));
    ExperimentDefinition d = load(conf).latest("feat").orElseThrow();
    assertEquals("feat", d.salt());
    assertEquals("id", d.unit());
    assertEquals(HashScheme.GROWTHBOOK_V1, d.hash());
    assertEquals(List.of("0", "1"), d.armKeys());
    assertTrue(d.namespace().isEmpty());
  }

  @Test
  void nonAssignmentFieldsAndOtherRulesAreIgnored() {
    Path conf = emptyConf();
    GrowthBookImport.Plan plan =
        importInto(
            conf,
            """
            {"status": 200, "dateUpdated": "2026-10-01T00:00:00Z", "savedGroups": {},
             "features": {
              "a": {"defaultValue": 1, "rules": [
                {"id": "r1", "condition": {"x": {"$regex": "^a"}}, "force": 2},
                {"force": 3, "coverage": 0.5, "hashAttribute": "id", "range": [0, 0.5]},
                {"parentConditions": [{"id": "b", "condition": {"value": true}, "gate": true}]},
                {"key": "exp", "variations": [1, 2], "id": "r4", "name": "n", "phase": "3",
                 "tracks": [], "metadata": {"tags": ["t"]}, "range": [0, 1], "foo": "bar",
                 "type": "standard", "meta": [{"key": "0", "passthrough": true}, {"key": "1"}],
                 "parentConditions": [], "filters": null, "disableStickyBucketing": true,
                 "bucketVersion": 3, "minBucketVersion": 2, "fallbackAttribute": "anon"}
              ]},
              "b": {"defaultValue": true},
              "c": {"rules": [{"variations": [1]}]}
             }}
            """);
    assertEquals(List.of("exp"), plan.writes().stream().map(GrowthBookImport.Write::key).toList());
    String notes = String.join("\n", plan.notes());
    assertTrue(notes.contains("2 forced-value rule(s) ignored"), notes);
    assertTrue(notes.contains("1 rule(s) without variations ignored"), notes);
    assertTrue(notes.contains("[foo, type] ignored"), notes);
    assertTrue(
        notes.contains("features.c.rules[0] (experiment 'c') skipped: 1 variation(s)"), notes);
  }

  @Test
  void conditionsBecomeEligibility() {
    Path conf = emptyConf();
    importInto(
        conf,
        features(
            """
            {"key": "e", "variations": [0, 1], "condition": {
              "country": {"$in": ["US", "CA"]}, "age": {"$gte": 18, "$lt": 65},
              "plan": {"$ne": "free"}, "beta": true, "$or": [{"browser": "chrome"},
              {"version": {"$gt": "2.0"}}], "$nor": [{"employee": {"$exists": true}}],
              "$not": {"score": {"$nin": [1, 2]}}}}
            """));
    Condition c = load(conf).latest("e").orElseThrow().eligibility();
    Map<String, String> ok =
        Map.of(
            "country", "US", "age", "30", "plan", "pro", "beta", "true", "browser", "chrome",
            "score", "2");
    assertTrue(c.test(ok));
    for (var bad :
        List.of(
            Map.entry("country", "DE"),
            Map.entry("age", "65"),
            Map.entry("plan", "free"),
            Map.entry("beta", "false"),
            Map.entry("browser", "safari"),
            Map.entry("score", "3"),
            Map.entry("employee", "yes"))) {
      Map<String, String> a = new TreeMap<>(ok);
      a.put(bad.getKey(), bad.getValue());
      assertFalse(c.test(a), bad.toString());
    }
    Map<String, String> newer = new TreeMap<>(ok);
    newer.put("browser", "safari");
    newer.put("version", "2.1");
    assertTrue(c.test(newer), "$or's second branch: \"2.1\" > \"2.0\" as text");
  }

  // ------------------------------------------------------------------ refusals

  /** Each refused field: the rule JSON, the field path named, and words of the message. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'key': 'e', 'variations': [0, 1], 'hashVersion': 3}"
            + "| features.feat.rules[0].hashVersion | hashVersion 3 is not 1 or 2",
        "{'key': 'e', 'variations': [0, 1], 'hashVersion': '2'}"
            + "| features.feat.rules[0].hashVersion | hashVersion \"2\" is not 1 or 2",
        "{'key': 'e', 'variations': [0, 1], 'weights': [0.5, 0.3, 0.2]}"
            + "| features.feat.rules[0].weights | 3 weight(s) for 2 variations",
        "{'key': 'e', 'variations': [0, 1], 'weights': [0.7, 0.6]}"
            + "| features.feat.rules[0].weights | GrowthBook's SDK ignores weights whose sum",
        "{'key': 'e', 'variations': [0, 1], 'weights': [0.4, 0.5999]}"
            + "| features.feat.rules[0].weights | weights sum to 0.9999, not 1",
        "{'key': 'e', 'variations': [0, 1], 'weights': [1.2, -0.2]}"
            + "| features.feat.rules[0].weights[1] | expected a weight from 0 to 1",
        "{'key': 'e', 'variations': [0, 1], 'coverage': 1.5}"
            + "| features.feat.rules[0].coverage | coverage 1.5 is outside [0, 1]",
        "{'key': 'e', 'variations': [0, 1], 'coverage': null}"
            + "| features.feat.rules[0].coverage | expected a number from 0 to 1, found null",
        "{'key': 'e', 'variations': [0, 1], 'ranges': [[0, 0.5], [0.5, 1]]}"
            + "| features.feat.rules[0].ranges | explicit bucket ranges",
        "{'key': 'e', 'variations': [0, 1], 'filters': [{'seed': 's', 'ranges': [[0, 1]]}]}"
            + "| features.feat.rules[0].filters | filters",
        "{'key': 'e', 'variations': [0, 1], 'filters': [], 'namespace': ['n', 0, 0.5]}"
            + "| features.feat.rules[0].filters | skip the namespace check",
        "{'key': 'e', 'variations': [0, 1], 'parentConditions': [{'id': 'p', 'condition': {}}]}"
            + "| features.feat.rules[0].parentConditions | prerequisite features",
        "{'key': 'e', 'variations': [0, 1], 'fallbackAttribute': 'anonId'}"
            + "| features.feat.rules[0].fallbackAttribute | sticky bucketing",
        "{'key': 'e', 'variations': [0, 1], 'bucketVersion': 2}"
            + "| features.feat.rules[0].bucketVersion | sticky bucketing",
        "{'key': 'e', 'variations': [0, 1], 'minBucketVersion': 1}"
            + "| features.feat.rules[0].minBucketVersion | sticky bucketing",
        "{'key': 'e', 'contextualVariations': [0, 1], 'contextualBanditRef': 'cb'}"
            + "| features.feat.rules[0].contextualBanditRef | contextual bandit",
        "{'key': 'e', 'variations': [0, 1], 'namespace': ['n', 0.5, 0.5]}"
            + "| features.feat.rules[0].namespace | GrowthBook admits no unit",
        "{'key': 'e', 'variations': [0, 1], 'namespace': ['n', 0.5]}"
            + "| features.feat.rules[0].namespace | expected [id, start, end]",
        "{'key': 'e', 'variations': [0, 1], 'condition': {'v': {'$vgt': '1.2'}}}"
            + "| features.feat.rules[0].condition.v.$vgt | operator '$vgt' is not supported",
        "{'key': 'e', 'variations': [0, 1], 'condition': {'$or': [{'t': {'$elemMatch': {}}}]}}"
            + "| features.feat.rules[0].condition.$or[0].t.$elemMatch | '$elemMatch'",
        "{'key': 'e', 'variations': [0, 1], 'condition': {'tags': ['a']}}"
            + "| features.feat.rules[0].condition.tags | equality with a list",
        "{'key': 'e', 'variations': [0, 1], 'condition': {'id': {'$inGroup': 'g'}}}"
            + "| features.feat.rules[0].condition.id.$inGroup | '$inGroup'",
        "{'key': 'e', 'variations': [0, 1], 'condition': {'n': {'$in': 1}}}"
            + "| features.feat.rules[0].condition.n.$in | expected a list",
        "{'key': 'e', 'variations': [0, 1], 'condition': {'n': {'$gt': true}}}"
            + "| features.feat.rules[0].condition.n.$gt | comparing with the boolean true",
        "{'key': 'has space', 'variations': [0, 1]}"
            + "| features.feat.rules[0].key | 'has space' is not a valid assay key",
        "{'key': 'e', 'variations': [0, 1], 'meta': [{'key': 'a'}, {'key': 'a'}]}"
            + "| features.feat.rules[0].meta[1].key | variation key 'a' is used twice",
        "{'key': 'e', 'variations': [0, 1], 'meta': [{'key': 'Variant A'}, {}]}"
            + "| features.feat.rules[0].meta[0].key | not a valid assay arm key",
        "{'key': 'e', 'variations': [0, 1], 'meta': [{'key': 'a'}]}"
            + "| features.feat.rules[0].meta | an entry per variation (2)",
        "{'key': 'e', 'variations': 'ab'}"
            + "| features.feat.rules[0].variations | expected a list of variations",
      })
  void refusedFieldsNameFeatureRuleAndField(String rule, String field, String words) {
    List<Problem> errors = refused(features(rule.replace('\'', '"')));
    assertEquals(1, errors.size(), errors.toString());
    Problem p = errors.get(0);
    assertTrue(p.file().endsWith("features.json"), p.render());
    assertEquals(field, p.path(), p.render());
    assertTrue(p.message().contains(words), p.render());
    if (!field.endsWith(".key")) {
      assertTrue(p.message().contains("(experiment 'e')"), p.render());
    }
  }

  @Test
  void everyProblemOfAPayloadIsReportedAtOnce() {
    List<Problem> errors =
        refused(
            features(
                """
                {"key": "a", "variations": [0, 1], "hashVersion": 9},
                {"key": "b", "variations": [0, 1], "ranges": [[0, 1], [0, 0]],
                 "condition": {"x": {"$regex": "y"}, "z": {"$size": 2}}}
                """));
    assertEquals(
        List.of(
            "features.feat.rules[0].hashVersion",
            "features.feat.rules[1].condition.x.$regex",
            "features.feat.rules[1].condition.z.$size",
            "features.feat.rules[1].ranges"),
        errors.stream().map(Problem::path).toList());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"features\": {| not valid JSON",
        "[1, 2]| expected a JSON object with 'features'",
        "{\"features\": {}} {}| not valid JSON",
        "{\"features\": {\"a\": 1, \"a\": 2}}| not valid JSON: Duplicate field 'a'",
        "{\"encryptedFeatures\": \"abc\"}| the payload is encrypted",
        "{\"status\": 200}| the payload has no 'features' object",
        "{\"features\": {\"f\": {\"rules\": {}}}}| expected a list of rules",
        "''| the file is empty"
      })
  void malformedPayloadsAreRefusedNamingTheFile(String json, String words) {
    List<Problem> errors = refused(json.equals("''") ? "" : json);
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).file().endsWith("features.json"), errors.get(0).render());
    assertTrue(errors.get(0).message().contains(words), errors.get(0).render());
  }

  @Test
  void stickyBucketingFieldsAreIgnoredWhenTheSdksUseNoStickyBuckets() {
    Path conf = emptyConf();
    String json =
        features(
            "{\"key\": \"e\", \"variations\": [0, 1], \"bucketVersion\": 2, \"minBucketVersion\":"
                + " 2, \"fallbackAttribute\": \"anonId\"}");
    assertEquals(3, refused(conf, json, options()).size());
    GrowthBookImport.Options noSticky =
        new GrowthBookImport.Options(START, List.of("conversion"), "o", true);
    GrowthBookImport.Plan plan = GrowthBookImport.plan(payload(conf, json), conf, noSticky);
    assertEquals(1, plan.writes().size());
  }

  @Test
  void aKeySharedByRulesThatAssignAlikeIsOneExperimentElseAnError() {
    String rule = "{\"key\": \"shared\", \"variations\": [%s], \"coverage\": %s}";
    String alike =
        "{\"features\": {\"f1\": {\"rules\": ["
            + rule.formatted("\"a\", \"b\"", "0.5")
            + "]}, \"f2\": {\"rules\": ["
            + rule.formatted("1, 2", "0.5")
            + "]}}}";
    Path conf = emptyConf();
    assertEquals(1, importInto(conf, alike).writes().size());
    String unlike = alike.replaceFirst("0.5", "0.4");
    List<Problem> errors = refused(emptyConf(), unlike, options());
    assertEquals("features.f2.rules[0]", errors.get(0).path());
    assertTrue(
        errors.get(0).message().contains("also the key of features.f1.rules[0]")
            && errors.get(0).message().contains("(coverage)"),
        errors.get(0).render());
  }

  @Test
  void aNewExperimentNeedsItsPrimaryMetricAndAKnownOne() {
    String json = features("{\"key\": \"e\", \"variations\": [0, 1]}");
    List<Problem> none =
        refused(emptyConf(), json, new GrowthBookImport.Options(START, List.of(), "o", false));
    assertTrue(none.get(0).message().contains("has no definition yet"), none.toString());
    assertTrue(none.get(0).fix().contains("--primary-metric"), none.toString());
    List<Problem> unknown =
        refused(
            emptyConf(), json, new GrowthBookImport.Options(START, List.of("nope"), "o", false));
    assertTrue(unknown.get(0).render().contains("experiments/e/1.0.0.yaml"), unknown.toString());
    assertTrue(unknown.get(0).message().contains("'nope' is not in the metric catalog"));
  }

  /** The written files must validate with the directory, or none is written. */
  @Test
  void definitionsThatWouldNotValidateTogetherAreNotWritten() {
    // Two experiments with overlapping slices of one namespace, both running: validate's error.
    List<Problem> errors =
        refused(
            features(
                """
                {"key": "a", "variations": [0, 1], "namespace": ["ns", 0, 0.6]},
                {"key": "b", "variations": [0, 1], "namespace": ["ns", 0.5, 1]}
                """));
    assertTrue(errors.stream().anyMatch(p -> p.message().contains("overlaps")), errors.toString());
  }

  // ------------------------------------------------------------------ versions

  @Test
  void anUnchangedPayloadWritesNothing() {
    Path conf = emptyConf();
    String json =
        features(
            """
            {"key": "e", "variations": [0, 1], "weights": [0.3334, 0.6666], "coverage": 0.2,
             "namespace": ["ns", 0, 0.5], "hashVersion": 2, "condition": {"$or": [{}, {"a": 0}],
             "$nor": [], "b": "null", "c": {"$lt": "5"}, "d": {"$not": {"$in": [1, "x", null]}}}}
            """);
    importInto(conf, json);
    Map<String, String> before = files(conf);
    GrowthBookImport.Plan again =
        GrowthBookImport.plan(
            payload(conf, json),
            conf,
            new GrowthBookImport.Options(START.plusSeconds(86_400), List.of(), "x", false));
    assertTrue(again.changesNothing());
    assertEquals(List.of("e@1.0.0"), again.unchanged());
    GrowthBookImport.write(again);
    assertEquals(before, files(conf));
  }

  @Test
  void aChangedRuleIsTheNextMinorVersionKeepingTheOtherFields() throws IOException {
    Path conf = emptyConf();
    importInto(conf, features("{\"key\": \"e\", \"variations\": [0, 1], \"coverage\": 0.2}"));
    // The team adds strata and a secondary metric before locking 1.0.0.
    Path v1 = conf.resolve("experiments/e/1.0.0.yaml");
    Files.writeString(
        v1,
        Files.readString(v1)
            .replace("owner: growth-team", "owner: checkout@example.com")
            .replace(
                "metrics:\n  primary: [conversion]",
                "strata: [platform]\nmetrics:\n  primary: [conversion]\n  secondary: [revenue]"));
    GrowthBookImport.Plan plan =
        GrowthBookImport.plan(
            payload(conf, features("{\"key\": \"e\", \"variations\": [0, 1], \"coverage\": 0.5}")),
            conf,
            new GrowthBookImport.Options(
                START.plusSeconds(3600), List.of("revenue"), "someone-else", false));
    assertEquals(1, plan.writes().size());
    GrowthBookImport.Write w = plan.writes().get(0);
    assertEquals("1.1.0", w.version());
    assertEquals(Optional.of("e@1.0.0"), w.previous());
    assertEquals(List.of("traffic"), w.changed());
    GrowthBookImport.write(plan);
    ExperimentDefinition d = load(conf).latest("e").orElseThrow();
    assertEquals("1.1.0", d.version().toString());
    assertEquals(0.5, d.traffic().steps().get(0).traffic());
    assertEquals(START.plusSeconds(3600), d.start());
    assertEquals("checkout@example.com", d.owner());
    assertEquals(List.of("platform"), d.strata());
    assertEquals(List.of("conversion"), d.metrics().primary());
    assertEquals(List.of("revenue"), d.metrics().secondary());
    assertTrue(Files.exists(v1), "earlier versions stay");
    // A third change after 1.1.0 → 1.2.0; each assignment field change is named.
    GrowthBookImport.Plan third =
        GrowthBookImport.plan(
            payload(
                conf,
                features(
                    "{\"key\": \"e\", \"seed\": \"s2\", \"variations\": [0, 1], \"coverage\":"
                        + " 0.5, \"condition\": {\"a\": \"b\"}, \"namespace\": [\"n\", 0, 1]}")),
            conf,
            options());
    assertEquals("1.2.0", third.writes().get(0).version());
    assertEquals(List.of("salt", "namespace", "eligibility"), third.writes().get(0).changed());
  }

  @Test
  void aHandWrittenDefinitionOfTheKeyGetsAGrowthBookVersionAfterIt() {
    // The project's recs_widget is served by GrowthBook v2 at 0.6 coverage; a payload with the
    // same rule matches it except for the unit (hashAttribute) and arms (variation keys).
    Path conf = io.assay.testing.TestConf.copy();
    GrowthBookImport.Plan plan =
        GrowthBookImport.plan(
            payload(
                conf,
                "{\"features\": {\"widget\": {\"rules\": [{\"key\": \"recs_widget\","
                    + " \"hashVersion\": 2, \"coverage\": 0.6, \"variations\": [0, 1],"
                    + " \"meta\": [{\"key\": \"control\"}, {\"key\": \"widget\"}]}]}}}"),
            conf,
            options());
    assertEquals("1.1.0", plan.writes().get(0).version());
    assertEquals(List.of("unit"), plan.writes().get(0).changed());
  }

  @Test
  void lockRecordsTheImportedVersionsAndValidateAcceptsThem() {
    Path conf = emptyConf();
    importInto(
        conf,
        features(
            "{\"key\": \"e\", \"variations\": [0, 1], \"namespace\": [\"undeclared\", 0, 0.5],"
                + " \"condition\": {\"n\": {\"$gt\": 3}}}"));
    // A GrowthBook namespace needs no declaration in assay.yaml (its hash uses no salt).
    Conf c = load(conf);
    assertEquals(List.of("e@1.0.0"), DefinitionLock.appendNew(conf, c.experiments()));
    assertEquals(1, ConfigLoader.load(conf).experiments().size(), "validates with the lock");
    importInto(
        conf,
        features(
            "{\"key\": \"e\", \"variations\": [0, 1], \"namespace\": [\"undeclared\", 0, 0.5],"
                + " \"condition\": {\"n\": {\"$gt\": 4}}}"));
    assertThrows(ConfigException.class, () -> ConfigLoader.load(conf), "1.1.0 is not locked");
    assertEquals(List.of("e@1.1.0"), DefinitionLock.appendNew(conf, load(conf).experiments()));
    assertEquals(2, ConfigLoader.load(conf).experiments().size());
  }

  @Test
  void aNativeExperimentMayNotUseAnUndeclaredNamespace() {
    // The relaxation is for GrowthBook namespaces only.
    Path conf = io.assay.testing.TestConf.copy();
    io.assay.testing.TestConf.edit(
        conf.resolve("experiments/onboarding_copy/1.0.0.yaml"), "name: growth", "name: nowhere");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    assertTrue(e.getMessage().contains("namespace 'nowhere' is not declared"), e.getMessage());
  }
}
