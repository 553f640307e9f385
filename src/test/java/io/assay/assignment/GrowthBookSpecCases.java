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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GrowthBook's cross-SDK spec cases (cases.json, spec 0.8.0: {@code evalCondition}, {@code run},
 * {@code feature}; and the 48 hash-only {@code run} cases of growthbook-run-assignments.json) as
 * {@code assay import growthbook} expresses them: each case becomes a features payload, imported
 * into a configuration directory of its own, and is either compared — as {@link Check}s, each a
 * unit and its attributes under the plan the import wrote, with what GrowthBook's result says of
 * the decision — or set aside for a stated reason: the import refuses it (the reason is its error),
 * or the case needs what a definition does not hold (SDK context such as forced variations or QA
 * mode, experiment fields that are not feature-rule fields, attributes that are lists, no hash
 * value).
 *
 * <p>One enumeration for both evaluators: {@code GrowthBookImportConformanceTest} decides the
 * checks with {@link Assigner}, {@code reconcile.GrowthBookSparkConformanceTest} with the Spark
 * twin.
 */
public final class GrowthBookSpecCases {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNode SPEC = Vectors.load("growthbook/growthbook-spec-cases.json");
  static final JsonNode RUN48 = Vectors.load("growthbook/growthbook-run-assignments.json");
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** The instant every check is decided at: a day into the imported versions. */
  public static final Instant AT = Instant.parse("2026-01-02T00:00:00Z");

  /** The reason of a case that is compared (its checks hold GrowthBook's expectation). */
  public static final String COMPARED = "compared";

  /** Experiment fields that are not feature-rule fields: the SDK's run() reads them directly. */
  private static final Set<String> EXPERIMENT_ONLY =
      Set.of("active", "force", "status", "url", "include", "groups", "urlPatterns");

  private GrowthBookSpecCases() {}

  /** What GrowthBook's result says of a decision; throws {@link AssertionError} when it differs. */
  @FunctionalInterface
  public interface Expectation {
    void verify(String what, Status status, int armIndex, String arm);
  }

  /**
   * One decision to compare: a unit with its attributes (as an exposure log holds them: text) under
   * the plan a case's import wrote, decided at {@link #AT}.
   */
  public record Check(
      String section,
      String name,
      AssignmentPlan plan,
      String unit,
      Map<String, String> attributes,
      Expectation expected) {

    /** The index of an arm key in the definition, or -1 for none. */
    public int armIndex(String arm) {
      List<io.assay.config.Arm> arms = plan.definition().arms();
      for (int i = 0; i < arms.size(); i++) {
        if (arms.get(i).key().equals(arm)) {
          return i;
        }
      }
      return -1;
    }

    /** Asserts that a decision's status and arm are GrowthBook's result. */
    public void verify(Status status, String arm) {
      expected.verify(
          section + " '" + name + "', " + plan.definition().key() + ": " + status + " " + arm,
          status,
          armIndex(arm),
          arm);
    }

    /** The pure-Java decision ({@link Assigner}, what {@code assay explain} prints). */
    public Decision decide() {
      return Assigner.decide(plan, unit, attributes, AT);
    }
  }

  /**
   * A section's cases: how many were compared or set aside, per reason, and the compared cases'
   * checks (a {@code feature} case may check several experiment rules).
   */
  public record Section(String name, Map<String, Integer> reasons, List<Check> checks) {
    public int total() {
      return reasons.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int compared() {
      return reasons.getOrDefault(COMPARED, 0);
    }
  }

  /** Collects a section's reasons and checks. */
  private static final class Builder {
    final String section;
    final Map<String, Integer> reasons = new TreeMap<>();
    final List<Check> checks = new ArrayList<>();

    Builder(String section) {
      this.section = section;
    }

    void add(String reason) {
      reasons.merge(reason, 1, Integer::sum);
    }

    void check(
        String name, Conf c, String key, String unit, Map<String, String> attrs, Expectation e) {
      AssignmentPlan plan = AssignmentPlan.of(latest(c, key), c.assay());
      checks.add(new Check(section, name, plan, unit, attrs, e));
    }

    Section build() {
      return new Section(section, Collections.unmodifiableMap(reasons), List.copyOf(checks));
    }
  }

  // ---------------------------------------------------------------- the sections

  /** Each section, enumerated once per JVM: the tests of both evaluators read the same checks. */
  private static final Map<String, Section> SECTIONS = new ConcurrentHashMap<>();

  private static Section once(String name, Consumer<Builder> cases) {
    return SECTIONS.computeIfAbsent(
        name,
        n -> {
          Builder b = new Builder(n);
          cases.accept(b);
          return b.build();
        });
  }

  /** {@code evalCondition}: the condition as a rule's; eligible exactly when GrowthBook says. */
  public static Section evalCondition() {
    return once(
        "evalCondition",
        b -> {
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
              b.add(refusalReason(imp.refusal()));
              continue;
            }
            Optional<Map<String, String>> attrs = text(attributes);
            if (attrs.isEmpty()) {
              b.add("attributes hold a list");
              continue;
            }
            if (!typedAsCompared(condition, attributes)) {
              b.add("attribute typed unlike the value it is compared with");
              continue;
            }
            Expectation eligible =
                (what, status, idx, arm) ->
                    assertEquals(expected, status != Status.NOT_ELIGIBLE, what + "; " + condition);
            b.check(name, imp.conf(), "cond", "u1", attrs.get(), eligible);
            b.add(COMPARED);
          }
        });
  }

  /**
   * {@code run}: the experiment as a feature rule; in it, and with its variation, as GrowthBook.
   */
  public static Section run() {
    return once(
        "run",
        b -> {
          for (JsonNode c : SPEC.get("run")) {
            b.add(run(b, c.get(0).asText(), c.get(1), c.get(2), c.get(3), c.get(4).asBoolean()));
          }
        });
  }

  /** The 48 hash-only {@code run} cases of growthbook-run-assignments.json, as {@link #run()}. */
  public static Section runAssignments() {
    return once(
        "run-assignments",
        b -> {
          for (JsonNode c : RUN48.get("cases")) {
            ObjectNode context = JSON.createObjectNode();
            context.set("attributes", c.get("attributes"));
            b.add(
                run(
                    b,
                    c.get("name").asText(),
                    context,
                    c.get("experiment"),
                    c.get("expectedValue"),
                    c.get("expectedInExperiment").asBoolean()));
          }
        });
  }

  /**
   * One {@code run} case: the experiment as a feature rule; the variation GrowthBook serves
   * compared with the arm the decision gives. Returns the reason.
   */
  private static String run(
      Builder b,
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
    if (hashValue == null || !truthy(hashValue)) {
      assertFalse(inExperiment, name);
      return "no hash value (GrowthBook assigns no unit; nothing is logged)";
    }
    Optional<Map<String, String>> attrs = text(attributes);
    if (attrs.isEmpty()) {
      return "attributes hold a list";
    }
    JsonNode variations = experiment.get("variations");
    Expectation served =
        (what, status, idx, arm) -> {
          assertEquals(inExperiment, status == Status.ASSIGNED, what);
          if (inExperiment) {
            assertEquals(expectedValue, variations.get(idx), what);
            assertEquals(String.valueOf(idx), arm, what + ": arm key = variation index");
          }
        };
    b.check(name, imp.conf(), key, jsString(hashValue), attrs.get(), served);
    return COMPARED;
  }

  /**
   * {@code feature}: the payload's features imported as they are. When GrowthBook's result comes
   * from an experiment, the decision gives that experiment's variation, with the arm key
   * GrowthBook's result key ({@code meta.key}, else the index). Otherwise every experiment rule
   * that GrowthBook evaluated before any other rule (the leading ones) left the unit out, or put it
   * in a passthrough variation.
   */
  public static Section feature() {
    return once(
        "feature",
        b -> {
          for (JsonNode c : SPEC.get("feature")) {
            b.add(feature(b, c.get(0).asText(), c.get(1), c.get(2).asText(), c.get(3)));
          }
        });
  }

  private static String feature(
      Builder b, String name, JsonNode context, String featureKey, JsonNode result) {
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
      Expectation served =
          (what, status, idx, arm) -> {
            assertEquals(Status.ASSIGNED, status, what);
            assertEquals(er.get("key").asText(), arm, what + ": arm key");
            assertEquals(er.get("variationId").asInt(), idx, what + ": variation");
          };
      b.check(name, imp.conf(), key, jsString(er.get("hashValue")), attrs.get(), served);
      return COMPARED;
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
      checked++;
      if (hashValue == null || !truthy(hashValue)) {
        continue; // no unit: nothing assigned, nothing logged
      }
      JsonNode meta = rule.path("meta");
      Expectation outOrPassthrough =
          (what, status, idx, arm) ->
              assertTrue(
                  status != Status.ASSIGNED || meta.path(idx).path("passthrough").asBoolean(),
                  what + ": out of the experiment, or in a passthrough variation");
      b.check(name, imp.conf(), key, jsString(hashValue), attrs.get(), outOrPassthrough);
    }
    return checked == 0
        ? "no experiment rule before the rule that decided (forced values, defaults)"
        : COMPARED;
  }

  // ---------------------------------------------------------------- import

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

  private static ExperimentDefinition latest(Conf c, String key) {
    return c.latest(key).orElseThrow(() -> new AssertionError("no definition of " + key));
  }

  // ---------------------------------------------------------------- attributes as text

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

  /** JavaScript truthiness, as the SDK tests a hash value ({@code if (!hashValue)}). */
  private static boolean truthy(JsonNode v) {
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
