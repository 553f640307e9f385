package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ConfigLoader;
import io.assay.config.ExperimentDefinition;
import io.assay.config.growthbook.GrowthBookImport;
import io.assay.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * GrowthBook's cross-SDK spec cases (cases.json, spec 0.8.0: {@code evalCondition}, {@code run},
 * {@code feature}; and the 48 hash-only {@code run} cases of growthbook-run-assignments.json)
 * through {@code assay import growthbook} → the definition files it writes → {@link Assigner} (what
 * {@code assay explain} prints), compared with GrowthBook's expected results.
 *
 * <p>Each case becomes a features payload, imported into a configuration directory of its own.
 * Every case is either compared, or set aside for a stated reason: the import refuses it (the
 * reason is its error), or the case needs what a definition does not hold (SDK context such as
 * forced variations or QA mode, experiment fields that are not feature-rule fields, attributes that
 * are lists, no hash value). The counts per reason are pinned, so a change in what the import
 * expresses shows up here.
 */
class GrowthBookImportConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode SPEC = Vectors.load("growthbook/growthbook-spec-cases.json");
  private static final JsonNode RUN48 = Vectors.load("growthbook/growthbook-run-assignments.json");
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant AT = Instant.parse("2026-01-02T00:00:00Z");

  /** Experiment fields that are not feature-rule fields: the SDK's run() reads them directly. */
  private static final Set<String> EXPERIMENT_ONLY =
      Set.of("active", "force", "status", "url", "include", "groups", "urlPatterns");

  // ---------------------------------------------------------------- harness

  /** An import's outcome: the loaded configuration, or the import's first error. */
  private record Imported(Conf conf, String refusal) {}

  /** Imports {@code {"features": features}} into a fresh configuration directory. */
  private static Imported importFeatures(JsonNode features) {
    Path dir = Fixtures.tempDir("gb-import-");
    Path conf = dir.resolve("conf");
    try {
      Files.createDirectories(conf);
      Files.copy(Path.of("conf/assay.yaml"), conf.resolve("assay.yaml"));
      Files.copy(Path.of("conf/metrics.yaml"), conf.resolve("metrics.yaml"));
      ObjectNode payload = JSON.createObjectNode();
      payload.set("features", features);
      Files.writeString(dir.resolve("payload.json"), payload.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      GrowthBookImport.Plan plan =
          GrowthBookImport.plan(
              dir.resolve("payload.json"),
              conf,
              new GrowthBookImport.Options(START, List.of("conversion"), "qa", false));
      GrowthBookImport.write(plan);
      return new Imported(ConfigLoader.loadWith(conf, List.of(), true), null);
    } catch (ConfigException e) {
      return new Imported(null, e.errors().get(0).message());
    }
  }

  /** A payload with one feature {@code f} holding one rule. */
  private static JsonNode oneRule(ObjectNode rule) {
    ObjectNode features = JSON.createObjectNode();
    ObjectNode f = features.putObject("f");
    f.putArray("rules").add(rule);
    return features;
  }

  /** The reason an import refused, in a few words (the operator or field it names). */
  private static String refusalReason(String message) {
    Matcher op = Pattern.compile("operator '(\\$\\w+)'").matcher(message);
    if (op.find()) {
      return "unsupported operator " + op.group(1);
    }
    for (String s :
        List.of(
            "equality with a list",
            "equality with an object",
            "expected a list",
            "comparing with",
            "filters",
            "explicit bucket ranges",
            "prerequisite features",
            "contextual bandit",
            "weights sum to",
            "coverage",
            "hashVersion")) {
      if (message.contains(s)) {
        return "refused: " + s;
      }
    }
    return "refused: " + message;
  }

  /**
   * The attributes as an exposure log holds them: text; nested objects flattened to dotted names
   * (GrowthBook reads {@code a.b} as a path); {@code null} absent. Empty when a value is a list,
   * which text cannot carry.
   */
  private static Optional<Map<String, String>> text(JsonNode attributes) {
    Map<String, String> out = new TreeMap<>();
    return flatten(attributes, "", out) ? Optional.of(out) : Optional.empty();
  }

  private static boolean flatten(JsonNode node, String prefix, Map<String, String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = prefix + e.getKey();
      JsonNode v = e.getValue();
      if (v.isArray()) {
        return false;
      } else if (v.isObject()) {
        if (!flatten(v, name + ".", out)) {
          return false;
        }
      } else if (!v.isNull()) {
        out.put(name, jsString(v));
      }
    }
    return true;
  }

  /** JavaScript's {@code String(value)} for a JSON scalar. */
  private static String jsString(JsonNode v) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return String.valueOf(v.asBoolean());
    }
    double d = v.asDouble();
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** GrowthBook's getPath: the value at a dotted path, or null. */
  private static JsonNode path(JsonNode obj, String path) {
    JsonNode cur = obj;
    for (String part : path.split("\\.", -1)) {
      if (cur == null || !cur.isObject() || !cur.has(part)) {
        return null;
      }
      cur = cur.get(part);
    }
    return cur;
  }

  private static String type(JsonNode v) {
    return v.isTextual() ? "text" : v.isNumber() ? "number" : v.isBoolean() ? "boolean" : "other";
  }

  /**
   * Whether every attribute the condition compares has the type of the values it is compared with
   * (or is absent): the reading of text attributes the import documents. Also false when a compared
   * path holds an object (text attributes cannot hold one).
   */
  private static boolean typedAsCompared(JsonNode condition, JsonNode attributes) {
    for (Iterator<Map.Entry<String, JsonNode>> it = condition.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (k.equals("$or") || k.equals("$and") || k.equals("$nor")) {
        for (JsonNode c : v) {
          if (!typedAsCompared(c, attributes)) {
            return false;
          }
        }
      } else if (k.equals("$not")) {
        if (!typedAsCompared(v, attributes)) {
          return false;
        }
      } else if (!valueTyped(path(attributes, k), v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean valueTyped(JsonNode actual, JsonNode expected) {
    if (actual == null || actual.isNull()) {
      return true;
    }
    if (actual.isObject()) {
      return false;
    }
    if (expected.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> op = it.next();
        if (op.getKey().equals("$exists")) {
          continue;
        }
        if (op.getValue().isArray()) {
          for (JsonNode x : op.getValue()) {
            if (!x.isNull() && !type(x).equals(type(actual))) {
              return false;
            }
          }
        } else if (!valueTyped(actual, op.getValue())) {
          return false;
        }
      }
      return true;
    }
    return expected.isNull() || type(expected).equals(type(actual));
  }

  private static final class Tally {
    final Map<String, Integer> counts = new TreeMap<>();

    void add(String reason) {
      counts.merge(reason, 1, Integer::sum);
    }

    int total() {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private static ExperimentDefinition latest(Conf c, String key) {
    return c.latest(key).orElseThrow(() -> new AssertionError("no definition of " + key));
  }

  private static Decision decide(Conf c, String key, String unit, Map<String, String> attrs) {
    return Assigner.decide(AssignmentPlan.of(latest(c, key), c.assay()), unit, attrs, AT);
  }

  // ---------------------------------------------------------------- evalCondition

  @Test
  void evalConditionCasesThroughImportAndAssigner() {
    Tally t = new Tally();
    for (JsonNode c : SPEC.get("evalCondition")) {
      String name = c.get(0).asText();
      JsonNode condition = c.get(1);
      JsonNode attributes = c.get(2);
      boolean expected = c.get(3).asBoolean();
      ObjectNode rule = JSON.createObjectNode();
      rule.put("key", "cond");
      rule.putArray("variations").add(0).add(1);
      rule.set("condition", condition);
      Imported imp = importFeatures(oneRule(rule));
      if (imp.refusal() != null) {
        t.add(refusalReason(imp.refusal()));
        continue;
      }
      Optional<Map<String, String>> attrs = text(attributes);
      if (attrs.isEmpty()) {
        t.add("attributes hold a list");
        continue;
      }
      if (!typedAsCompared(condition, attributes)) {
        t.add("attribute typed unlike the value it is compared with");
        continue;
      }
      Decision d = decide(imp.conf(), "cond", "u1", attrs.get());
      assertEquals(expected, d.status() != Status.NOT_ELIGIBLE, name + ": " + condition);
      t.add("compared, equal to GrowthBook");
    }
    System.out.println("evalCondition through import: " + t.counts);
    assertEquals(248, t.total());
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("compared, equal to GrowthBook", 52);
    expected.put("attribute typed unlike the value it is compared with", 2);
    expected.put("attributes hold a list", 10);
    expected.put("refused: equality with a list", 5);
    expected.put("refused: equality with an object", 4);
    expected.put("refused: expected a list", 2);
    expected.put("unsupported operator $all", 4);
    expected.put("unsupported operator $alli", 5);
    expected.put("unsupported operator $elemMatch", 11);
    expected.put("unsupported operator $groups", 2);
    expected.put("unsupported operator $inGroup", 5);
    expected.put("unsupported operator $ini", 8);
    expected.put("unsupported operator $nini", 7);
    expected.put("unsupported operator $notInGroup", 3);
    expected.put("unsupported operator $regex", 13);
    expected.put("unsupported operator $regexi", 3);
    expected.put("unsupported operator $regx", 1);
    expected.put("unsupported operator $size", 9);
    expected.put("unsupported operator $type", 12);
    expected.put("unsupported operator $veq", 15);
    expected.put("unsupported operator $vgt", 48);
    expected.put("unsupported operator $vgte", 9);
    expected.put("unsupported operator $vlt", 16);
    expected.put("unsupported operator $vne", 2);
    assertEquals(expected, t.counts);
  }

  // ---------------------------------------------------------------- run

  /**
   * One {@code run} case: the experiment as a feature rule; the variation GrowthBook serves
   * compared with the arm the assigner gives. Returns the reason when not compared.
   */
  private static String run(
      String name,
      JsonNode context,
      JsonNode experiment,
      JsonNode expectedValue,
      boolean inExperiment) {
    for (Iterator<String> it = experiment.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (EXPERIMENT_ONLY.contains(f)) {
        return "experiment-only field '" + f + "'";
      }
    }
    for (Iterator<String> it = context.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("attributes")) {
        return "SDK context '" + f + "'";
      }
    }
    Imported imp = importFeatures(oneRule(experiment.deepCopy()));
    if (imp.refusal() != null) {
      return refusalReason(imp.refusal());
    }
    String key = experiment.get("key").asText();
    if (imp.conf().latest(key).isEmpty()) {
      assertTrue(experiment.get("variations").size() < 2, name);
      assertFalse(inExperiment, name);
      return "fewer than two variations (skipped; GrowthBook assigns no unit)";
    }
    JsonNode attributes =
        context.has("attributes") ? context.get("attributes") : JSON.createObjectNode();
    String hashAttribute =
        experiment.hasNonNull("hashAttribute") ? experiment.get("hashAttribute").asText() : "id";
    JsonNode hashValue = attributes.get(hashAttribute);
    if (hashValue == null || !GrowthBookTruth.truthy(hashValue)) {
      assertFalse(inExperiment, name);
      return "no hash value (GrowthBook assigns no unit; nothing is logged)";
    }
    Optional<Map<String, String>> attrs = text(attributes);
    if (attrs.isEmpty()) {
      return "attributes hold a list";
    }
    Decision d = decide(imp.conf(), key, jsString(hashValue), attrs.get());
    assertEquals(inExperiment, d.assigned(), name + ": " + d);
    if (inExperiment) {
      assertEquals(expectedValue, experiment.get("variations").get(d.armIndex()), name);
      assertEquals(String.valueOf(d.armIndex()), d.arm(), name + ": arm key = variation index");
    }
    return "compared, equal to GrowthBook";
  }

  @Test
  void runCasesThroughImportAndAssigner() {
    Tally t = new Tally();
    for (JsonNode c : SPEC.get("run")) {
      t.add(run(c.get(0).asText(), c.get(1), c.get(2), c.get(3), c.get(4).asBoolean()));
    }
    System.out.println("run through import: " + t.counts);
    assertEquals(73, t.total());
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("compared, equal to GrowthBook", 47);
    expected.put("SDK context 'enabled'", 1);
    expected.put("SDK context 'features'", 2);
    expected.put("SDK context 'forcedVariations'", 1);
    expected.put("SDK context 'qaMode'", 2);
    expected.put("SDK context 'savedGroups'", 1);
    expected.put("SDK context 'url'", 1);
    expected.put("experiment-only field 'active'", 3);
    expected.put("experiment-only field 'force'", 4);
    expected.put("fewer than two variations (skipped; GrowthBook assigns no unit)", 1);
    expected.put("no hash value (GrowthBook assigns no unit; nothing is logged)", 4);
    expected.put("refused: explicit bucket ranges", 3);
    expected.put("refused: filters", 3);
    assertEquals(expected, t.counts);
  }

  @Test
  void the48HashOnlyRunCasesThroughImportAndAssigner() {
    Tally t = new Tally();
    for (JsonNode c : RUN48.get("cases")) {
      ObjectNode context = JSON.createObjectNode();
      context.set("attributes", c.get("attributes"));
      t.add(
          run(
              c.get("name").asText(),
              context,
              c.get("experiment"),
              c.get("expectedValue"),
              c.get("expectedInExperiment").asBoolean()));
    }
    System.out.println("run-assignments through import: " + t.counts);
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("compared, equal to GrowthBook", 43);
    expected.put("fewer than two variations (skipped; GrowthBook assigns no unit)", 1);
    expected.put("no hash value (GrowthBook assigns no unit; nothing is logged)", 4);
    assertEquals(expected, t.counts);
    assertEquals(48, t.total());
  }

  // ---------------------------------------------------------------- feature

  /**
   * One {@code feature} case: the payload's features imported as they are. When GrowthBook's result
   * comes from an experiment, the assigner gives that experiment's variation, with the arm key
   * GrowthBook's result key ({@code meta.key}, else the index). Otherwise every experiment rule
   * that GrowthBook evaluated before any other rule (the leading ones) left the unit out, or put it
   * in a passthrough variation.
   */
  private static String feature(String name, JsonNode context, String featureKey, JsonNode result) {
    for (Iterator<String> it = context.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("attributes") && !f.equals("features")) {
        return "SDK context '" + f + "'";
      }
    }
    JsonNode features = context.has("features") ? context.get("features") : JSON.createObjectNode();
    Imported imp = importFeatures(features);
    if (imp.refusal() != null) {
      return refusalReason(imp.refusal());
    }
    JsonNode attributes =
        context.has("attributes") ? context.get("attributes") : JSON.createObjectNode();
    Optional<Map<String, String>> attrs = text(attributes);
    if (attrs.isEmpty()) {
      return "attributes hold a list";
    }
    if (result.path("source").asText().equals("experiment")) {
      JsonNode er = result.get("experimentResult");
      String key = result.get("experiment").get("key").asText();
      Decision d = decide(imp.conf(), key, jsString(er.get("hashValue")), attrs.get());
      assertTrue(d.assigned(), name + ": " + d);
      assertEquals(er.get("key").asText(), d.arm(), name + ": arm key");
      assertEquals(er.get("variationId").asInt(), d.armIndex(), name + ": variation");
      return "compared, equal to GrowthBook";
    }
    JsonNode rules = features.path(featureKey).path("rules");
    int checked = 0;
    for (JsonNode rule : rules) {
      if (rule.has("force") || !rule.hasNonNull("variations")) {
        break;
      }
      String key =
          rule.hasNonNull("key") && !rule.get("key").asText().isEmpty()
              ? rule.get("key").asText()
              : featureKey;
      String attr = rule.hasNonNull("hashAttribute") ? rule.get("hashAttribute").asText() : "id";
      JsonNode hashValue = attributes.get(attr);
      if (hashValue == null || !GrowthBookTruth.truthy(hashValue)) {
        checked++;
        continue; // no unit: nothing assigned, nothing logged
      }
      Decision d = decide(imp.conf(), key, jsString(hashValue), attrs.get());
      boolean passthrough =
          d.assigned() && rule.path("meta").path(d.armIndex()).path("passthrough").asBoolean();
      assertTrue(!d.assigned() || passthrough, name + ": " + key + " " + d);
      checked++;
    }
    return checked == 0
        ? "no experiment rule before the rule that decided (forced values, defaults)"
        : "compared, equal to GrowthBook";
  }

  @Test
  void featureCasesThroughImportAndAssigner() {
    Tally t = new Tally();
    for (JsonNode c : SPEC.get("feature")) {
      t.add(feature(c.get(0).asText(), c.get(1), c.get(2).asText(), c.get(3)));
    }
    System.out.println("feature through import: " + t.counts);
    assertEquals(55, t.total());
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("compared, equal to GrowthBook", 10);
    expected.put("no experiment rule before the rule that decided (forced values, defaults)", 33);
    expected.put("SDK context 'contextualBandits'", 3);
    expected.put("SDK context 'forcedVariations'", 2);
    expected.put("SDK context 'savedGroups'", 2);
    expected.put("refused: explicit bucket ranges", 4);
    expected.put("refused: filters", 1);
    assertEquals(expected, t.counts);
  }

  /** The spec files are what this test expects (sizes of the upstream sections). */
  @Test
  void specSectionsAreComplete() {
    assertEquals(248, SPEC.get("evalCondition").size());
    assertEquals(73, SPEC.get("run").size());
    assertEquals(55, SPEC.get("feature").size());
    assertEquals(48, RUN48.get("cases").size());
  }

  /** JavaScript truthiness, as the SDK tests a hash value ({@code if (!hashValue)}). */
  private static final class GrowthBookTruth {
    static boolean truthy(JsonNode v) {
      if (v.isNull()) {
        return false;
      }
      if (v.isBoolean()) {
        return v.asBoolean();
      }
      if (v.isNumber()) {
        return v.asDouble() != 0;
      }
      if (v.isTextual()) {
        return !v.asText().isEmpty();
      }
      return true;
    }
  }
}
