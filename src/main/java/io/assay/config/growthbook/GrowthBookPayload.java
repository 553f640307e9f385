package io.assay.config.growthbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.config.Arm;
import io.assay.config.Condition;
import io.assay.config.HashScheme;
import io.assay.config.NamespaceRange;
import io.assay.config.Problems;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A GrowthBook SDK features payload (what an SDK fetches from {@code /api/features/KEY}: {@code
 * features} → each feature's {@code rules}) read into the experiment rules assay can recompute.
 *
 * <p>The semantics are those of GrowthBook's JavaScript SDK (growthbook/growthbook {@code
 * packages/sdk-js/src/core.ts}, {@code evalFeature} and {@code runExperiment}; cross-SDK spec
 * 0.8.0): a rule with a {@code force} key is a forced value, a rule without {@code variations} is
 * skipped, and every other rule runs an experiment keyed {@code rule.key || featureId}, hashed with
 * {@code seed || key}, {@code hashVersion || 1}, on {@code attributes[hashAttribute || "id"]}, with
 * {@code getBucketRanges(n, coverage ?? 1, weights)}, the namespace {@code [id, start, end]} and
 * the condition. Every field that changes which variation a unit gets and that assay cannot express
 * is refused, naming the feature, the rule and the field; fields that change nothing (ids, names,
 * phases, variation values and metadata, forced values) are ignored.
 */
public final class GrowthBookPayload {
  /** What the SDK's experiment rule assigns, as assay fields. */
  public record ExperimentRule(
      String feature,
      int index,
      String path,
      String key,
      String name,
      HashScheme hash,
      String seed,
      String hashAttribute,
      double coverage,
      List<Arm> arms,
      Optional<NamespaceRange> namespace,
      Condition eligibility) {
    public ExperimentRule {
      arms = List.copyOf(arms);
    }

    /** Every field that decides assignment, for comparing two rules with one key. */
    List<Object> assignment() {
      return List.of(hash, seed, hashAttribute, coverage, arms, namespace, eligibility);
    }
  }

  /**
   * The experiment rules in payload order, one per experiment key (a rule whose key an earlier rule
   * already has, with the same assignment — an experiment linked to several features — is the same
   * experiment), and notes on what was ignored.
   */
  public record Payload(Path file, List<ExperimentRule> rules, List<String> notes) {
    public Payload {
      rules = List.copyOf(rules);
      notes = List.copyOf(notes);
    }
  }

  /** Keys, arm keys: letters, digits, '_', '-' and '.', as assay definitions require. */
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$");

  /** GrowthBook's SDK accepts weights summing to within 0.01 of 1 ({@code getBucketRanges}). */
  private static final double SDK_WEIGHT_TOLERANCE = 0.01;

  /** assay's arm weights sum to 1 within this (ExperimentReader). */
  private static final double ASSAY_WEIGHT_TOLERANCE = 1e-9;

  /** Rule fields that change nothing assay recomputes. */
  private static final Set<String> IGNORED =
      Set.of("id", "name", "phase", "meta", "tracks", "range", "metadata");

  /** Rule fields this reader interprets. */
  private static final Set<String> READ =
      Set.of(
          "key",
          "variations",
          "weights",
          "coverage",
          "hashAttribute",
          "hashVersion",
          "seed",
          "namespace",
          "condition",
          "filters",
          "ranges",
          "parentConditions",
          "fallbackAttribute",
          "disableStickyBucketing",
          "bucketVersion",
          "minBucketVersion",
          "contextualVariations",
          "contextualBanditRef",
          "force");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String shown;
  private final boolean ignoreStickyBucketing;
  private final Problems problems;
  private final List<String> notes = new ArrayList<>();
  private final Set<String> unknownFields = new TreeSet<>();
  private int forceRules;
  private int rulesWithoutVariations;

  private GrowthBookPayload(String shown, boolean ignoreStickyBucketing, Problems problems) {
    this.shown = shown;
    this.ignoreStickyBucketing = ignoreStickyBucketing;
    this.problems = problems;
  }

  /**
   * Reads a payload file. Every problem is recorded in {@code problems} (file: the payload; field
   * path: {@code features.FEATURE.rules[I].FIELD}); the result is null when there are errors.
   *
   * @param ignoreStickyBucketing the SDKs run without a sticky bucket service, so {@code
   *     bucketVersion}, {@code minBucketVersion} and {@code fallbackAttribute} change nothing
   */
  public static Payload read(Path file, boolean ignoreStickyBucketing, Problems problems) {
    String shown = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      problems.error(shown, "", "file not found", "pass the path of the payload an SDK fetches");
      return null;
    } catch (AccessDeniedException e) {
      problems.error(shown, "", "permission denied", "make the file readable");
      return null;
    } catch (IOException e) {
      problems.error(shown, "", "the file cannot be read: " + e, "check the file");
      return null;
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.error(
          shown,
          "",
          "not valid JSON: "
              + e.getOriginalMessage()
                  .replaceAll(
                      "\\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
          "pass the JSON document the SDK endpoint returns (GET /api/features/SDK_KEY)");
      return null;
    } catch (IOException e) {
      problems.error(shown, "", "the file cannot be read: " + e, "check the file");
      return null;
    }
    GrowthBookPayload r = new GrowthBookPayload(shown, ignoreStickyBucketing, problems);
    int errorsBefore = problems.errors().size();
    List<ExperimentRule> rules = r.rules(root);
    if (problems.errors().size() > errorsBefore) {
      return null;
    }
    return new Payload(file, rules, r.summary());
  }

  private List<String> summary() {
    List<String> out = new ArrayList<>();
    if (forceRules > 0) {
      out.add(forceRules + " forced-value rule(s) ignored: they assign no variation");
    }
    if (rulesWithoutVariations > 0) {
      out.add(
          rulesWithoutVariations
              + " rule(s) without variations ignored: the SDK skips them (e.g. prerequisite gates)");
    }
    if (!unknownFields.isEmpty()) {
      out.add(
          "rule field(s) "
              + unknownFields
              + " ignored: GrowthBook's SDK (spec 0.8.0) does not read them either");
    }
    out.addAll(notes);
    return out;
  }

  private List<ExperimentRule> rules(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      problems.error(shown, "", "the file is empty", "pass a GrowthBook SDK features payload");
      return List.of();
    }
    if (!root.isObject()) {
      problems.error(
          shown,
          "",
          "expected a JSON object with 'features', found " + GrowthBookCondition.kind(root),
          "pass a GrowthBook SDK features payload");
      return List.of();
    }
    JsonNode features = root.get("features");
    if (features == null || features.isNull()) {
      boolean encrypted = root.hasNonNull("encryptedFeatures");
      problems.error(
          shown,
          "features",
          encrypted
              ? "the payload is encrypted (encryptedFeatures)"
              : "the payload has no 'features' object",
          encrypted
              ? "decrypt it first, or fetch it from an SDK connection without encryption"
              : "pass the JSON an SDK fetches, which holds features → rules");
      return List.of();
    }
    if (!features.isObject()) {
      problems.error(
          shown,
          "features",
          "expected an object of features, found " + GrowthBookCondition.kind(features),
          "pass a GrowthBook SDK features payload");
      return List.of();
    }
    JsonNode auto = root.get("experiments");
    if (auto != null && auto.isArray() && auto.size() > 0) {
      notes.add(
          auto.size()
              + " auto experiment(s) under 'experiments' (visual editor, URL redirects) not imported:"
              + " only feature rules are");
    }
    Map<String, ExperimentRule> byKey = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = features.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String fpath = "features." + pathPart(f.getKey());
      JsonNode def = f.getValue();
      if (!def.isObject()) {
        problems.error(
            shown,
            fpath,
            "expected a feature object, found " + GrowthBookCondition.kind(def),
            "pass a GrowthBook SDK features payload");
        continue;
      }
      JsonNode rules = def.get("rules");
      if (rules == null || rules.isNull()) {
        continue;
      }
      if (!rules.isArray()) {
        problems.error(
            shown,
            fpath + ".rules",
            "expected a list of rules, found " + GrowthBookCondition.kind(rules),
            "pass a GrowthBook SDK features payload");
        continue;
      }
      for (int i = 0; i < rules.size(); i++) {
        ExperimentRule rule = rule(f.getKey(), i, fpath + ".rules[" + i + "]", rules.get(i));
        if (rule == null) {
          continue;
        }
        ExperimentRule first = byKey.putIfAbsent(rule.key(), rule);
        if (first != null && !first.assignment().equals(rule.assignment())) {
          problems.error(
              shown,
              rule.path(),
              "experiment key '"
                  + rule.key()
                  + "' is also the key of "
                  + first.path()
                  + ", which assigns differently ("
                  + String.join(", ", differences(first, rule))
                  + "); GrowthBook tracks both under one key, so one definition cannot describe"
                  + " them",
              "give the rules distinct tracking keys in GrowthBook, or make them assign alike");
        }
      }
    }
    return new ArrayList<>(byKey.values());
  }

  private static List<String> differences(ExperimentRule a, ExperimentRule b) {
    String[] names = {
      "hashVersion",
      "seed",
      "hashAttribute",
      "coverage",
      "variations/weights",
      "namespace",
      "condition"
    };
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (!a.assignment().get(i).equals(b.assignment().get(i))) {
        out.add(names[i]);
      }
    }
    return out;
  }

  /** One rule, or null when it is not an experiment rule (or it has errors, recorded). */
  private ExperimentRule rule(String feature, int index, String path, JsonNode rule) {
    if (!rule.isObject()) {
      problems.error(
          shown,
          path,
          "expected a rule object, found " + GrowthBookCondition.kind(rule),
          "pass a GrowthBook SDK features payload");
      return null;
    }
    // evalFeature: `"force" in rule` makes a forced-value rule, whatever else it holds.
    if (rule.has("force")) {
      forceRules++;
      return null;
    }
    if (rule.hasNonNull("contextualVariations") || rule.hasNonNull("contextualBanditRef")) {
      JsonNode k = rule.get("key");
      String named = k != null && k.isTextual() && !k.asText().isEmpty() ? k.asText() : feature;
      problems.error(
          shown,
          path
              + (rule.hasNonNull("contextualBanditRef")
                  ? ".contextualBanditRef"
                  : ".contextualVariations"),
          "a contextual bandit rule: its weights come from the bandit's model per context, which"
              + " the payload does not hold (experiment '"
              + named
              + "')",
          "leave the bandit out of the import (remove the rule from the payload you import)");
      return null;
    }
    JsonNode variations = rule.get("variations");
    if (variations == null || variations.isNull()) {
      rulesWithoutVariations++;
      return null;
    }
    for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!READ.contains(f) && !IGNORED.contains(f)) {
        unknownFields.add(f);
      }
    }
    int errorsBefore = problems.errors().size();
    String key = key(feature, path, rule);
    String where = key == null ? "" : " (experiment '" + key + "')";
    if (!variations.isArray()) {
      error(
          path + ".variations",
          "expected a list of variations, found " + kind(variations),
          where,
          "list the variation values");
      return null;
    }
    int n = variations.size();
    if (n < 2) {
      notes.add(
          path
              + where
              + " skipped: "
              + n
              + " variation(s); GrowthBook's SDK assigns no unit to an experiment with fewer than"
              + " two");
      return null;
    }
    HashScheme hash = hashVersion(path, rule, where);
    String seed = text(rule, "seed", path, where);
    String hashAttribute = text(rule, "hashAttribute", path, where);
    double coverage = coverage(path, rule, where);
    double[] weights = weights(path, rule, n, where);
    List<String> armKeys = armKeys(path, rule, n, where);
    Optional<NamespaceRange> namespace = namespace(path, rule, where);
    Condition eligibility = condition(path, rule, where);
    refusals(path, rule, namespace.isPresent(), where);
    if (problems.errors().size() > errorsBefore || key == null) {
      return null;
    }
    List<Arm> arms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      arms.add(new Arm(armKeys.get(i), weights[i]));
    }
    String name =
        rule.hasNonNull("name") && rule.get("name").isTextual() ? rule.get("name").asText() : null;
    return new ExperimentRule(
        feature,
        index,
        path,
        key,
        name,
        hash,
        seed == null || seed.isEmpty() ? key : seed,
        hashAttribute == null || hashAttribute.isEmpty() ? "id" : hashAttribute,
        coverage,
        arms,
        namespace,
        eligibility);
  }

  /** GrowthBook's {@code getEqualWeights(n)}: {@code 1 / n} each. */
  private static double[] equalWeights(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0 / n);
    return w;
  }

  private void error(String path, String message, String where, String fix) {
    problems.error(shown, path, message + where, fix);
  }

  private static String kind(JsonNode v) {
    return GrowthBookCondition.kind(v);
  }

  /** {@code rule.key || featureId}, which must be a valid assay key. */
  private String key(String feature, String path, JsonNode rule) {
    JsonNode k = rule.get("key");
    String key;
    String field;
    if (k != null && !k.isNull() && !(k.isTextual() && k.asText().isEmpty())) {
      if (!k.isTextual()) {
        problems.error(
            shown,
            path + ".key",
            "expected the tracking key as text, found " + kind(k),
            "fix the key");
        return null;
      }
      key = k.asText();
      field = path + ".key";
    } else {
      key = feature;
      field = path;
    }
    if (!NAME.matcher(key).matches()) {
      problems.error(
          shown,
          field,
          "experiment key '"
              + key
              + "'"
              + (field.equals(path) ? " (the feature id: the rule has no key)" : "")
              + " is not a valid assay key",
          "give the experiment a tracking key of letters, digits, '_', '-' and '.' in GrowthBook");
      return null;
    }
    return key;
  }

  /** {@code hashVersion || 1}; the SDK knows versions 1 and 2 (others assign no unit). */
  private HashScheme hashVersion(String path, JsonNode rule, String where) {
    JsonNode v = rule.get("hashVersion");
    if (v == null || v.isNull()) {
      return HashScheme.GROWTHBOOK_V1;
    }
    if (v.isNumber() && v.asDouble() == 1) {
      return HashScheme.GROWTHBOOK_V1;
    }
    if (v.isNumber() && v.asDouble() == 2) {
      return HashScheme.GROWTHBOOK_V2;
    }
    error(
        path + ".hashVersion",
        "hashVersion " + v + " is not 1 or 2 (GrowthBook's SDK hashes no unit for other versions)",
        where,
        "use hashing v1 or v2 in GrowthBook");
    return null;
  }

  /** A text field; null when absent or null. */
  private String text(JsonNode rule, String field, String path, String where) {
    JsonNode v = rule.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      error(path + "." + field, "expected text, found " + kind(v), where, "write it as text");
      return null;
    }
    return v.asText();
  }

  /** {@code coverage}: default 1; the SDK clamps values outside [0, 1] and reports an error. */
  private double coverage(String path, JsonNode rule, String where) {
    if (!rule.has("coverage")) {
      return 1.0;
    }
    JsonNode v = rule.get("coverage");
    if (!v.isNumber()) {
      error(
          path + ".coverage",
          "expected a number from 0 to 1, found " + kind(v),
          where,
          "set coverage to a fraction, or remove it (1)");
      return 1.0;
    }
    double c = v.asDouble();
    if (c < 0 || c > 1) {
      error(
          path + ".coverage",
          "coverage "
              + v
              + " is outside [0, 1]; GrowthBook's SDK reports it as an error and clamps it",
          where,
          "set a coverage from 0 to 1 in GrowthBook");
    }
    return c;
  }

  /**
   * {@code weights}: equal weights when absent. Weights the SDK rejects (wrong count, a sum off 1
   * by more than 0.01: it then splits equally and reports an error) are refused, as are weights it
   * accepts whose sum is not 1 (assay's arms partition [0, 1)).
   */
  private double[] weights(String path, JsonNode rule, int n, String where) {
    JsonNode v = rule.get("weights");
    if (v == null || v.isNull()) {
      return equalWeights(n);
    }
    String at = path + ".weights";
    if (!v.isArray()) {
      error(
          at,
          "expected a list of numbers, found " + kind(v),
          where,
          "list one weight per variation");
      return equalWeights(n);
    }
    if (v.size() != n) {
      error(
          at,
          v.size()
              + " weight(s) for "
              + n
              + " variations; GrowthBook's SDK ignores such weights (splitting equally) and reports"
              + " an error",
          where,
          "give every variation a weight in GrowthBook");
      return equalWeights(n);
    }
    double[] w = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      JsonNode x = v.get(i);
      if (!x.isNumber() || x.asDouble() < 0) {
        error(
            at + "[" + i + "]",
            "expected a weight from 0 to 1, found " + kind(x),
            where,
            "fix the weight in GrowthBook");
        return equalWeights(n);
      }
      w[i] = x.asDouble();
      sum += w[i];
    }
    if (sum < 1 - SDK_WEIGHT_TOLERANCE || sum > 1 + SDK_WEIGHT_TOLERANCE) {
      error(
          at,
          String.format(
              Locale.ROOT,
              "weights sum to %s; GrowthBook's SDK ignores weights whose sum is off 1 by more than"
                  + " 0.01 (splitting equally) and reports an error",
              sum),
          where,
          "make the weights add up to 1 in GrowthBook");
    } else if (Math.abs(sum - 1) > ASSAY_WEIGHT_TOLERANCE) {
      error(
          at,
          String.format(
              Locale.ROOT,
              "weights sum to %s, not 1: GrowthBook's SDK uses them as they are, leaving part of"
                  + " [0, 1) to no variation (or overlapping), which assay's arms, a partition of"
                  + " [0, 1), cannot express",
              sum),
          where,
          "make the weights add up to exactly 1 in GrowthBook");
    }
    return w;
  }

  /**
   * Arm keys: the variation's {@code meta[i].key}, else its index {@code "0"}, {@code "1"}, …, as
   * GrowthBook's result key ({@code meta.key || "" + variationIndex}) — what its tracking callback
   * logs as the variation id.
   */
  private List<String> armKeys(String path, JsonNode rule, int n, String where) {
    List<String> keys = new ArrayList<>();
    JsonNode meta = rule.get("meta");
    boolean hasMeta = meta != null && !meta.isNull();
    if (hasMeta && (!meta.isArray() || meta.size() < n)) {
      error(
          path + ".meta",
          "expected a list with an entry per variation ("
              + n
              + "), found "
              + kind(meta)
              + " (GrowthBook's SDK fails on a variation without one)",
          where,
          "give every variation its meta entry in the payload");
      hasMeta = false;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      String k = String.valueOf(i);
      String at = path + ".variations[" + i + "]";
      if (hasMeta) {
        JsonNode m = meta.get(i);
        JsonNode mk = m.isObject() ? m.get("key") : null;
        at = path + ".meta[" + i + "].key";
        if (!m.isObject()) {
          error(
              path + ".meta[" + i + "]",
              "expected an object, found " + kind(m),
              where,
              "give the variation a meta object");
        } else if (mk != null && !mk.isNull() && !(mk.isTextual() && mk.asText().isEmpty())) {
          if (!mk.isTextual()) {
            error(
                at,
                "expected the variation key as text, found " + kind(mk),
                where,
                "write the key as text");
          } else {
            k = mk.asText();
          }
        }
      }
      if (!NAME.matcher(k).matches()) {
        error(
            at,
            "variation key '" + k + "' is not a valid assay arm key",
            where,
            "use letters, digits, '_', '-' and '.' for variation keys in GrowthBook");
      } else if (!seen.add(k)) {
        error(
            at,
            "variation key '" + k + "' is used twice",
            where,
            "give every variation a distinct key in GrowthBook");
      }
      keys.add(k);
    }
    return keys;
  }

  /** {@code [id, start, end]}: the unit is in it when start <= hash v1("__" + id) < end. */
  private Optional<NamespaceRange> namespace(String path, JsonNode rule, String where) {
    JsonNode v = rule.get("namespace");
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    String at = path + ".namespace";
    if (!v.isArray()
        || v.size() != 3
        || !v.get(0).isTextual()
        || !v.get(1).isNumber()
        || !v.get(2).isNumber()) {
      error(
          at,
          "expected [id, start, end], found " + kind(v),
          where,
          "write the namespace as [\"name\", 0, 0.5]");
      return Optional.empty();
    }
    double start = v.get(1).asDouble();
    double end = v.get(2).asDouble();
    if (start < 0 || end > 1 || start >= end) {
      error(
          at,
          "namespace range ["
              + v.get(1)
              + ", "
              + v.get(2)
              + ") is not within [0, 1] with start < end"
              + (start >= end ? " (GrowthBook admits no unit)" : ""),
          where,
          "give the experiment a non-empty slice of the namespace in GrowthBook");
      return Optional.empty();
    }
    return Optional.of(new NamespaceRange(v.get(0).asText(), start, end));
  }

  private Condition condition(String path, JsonNode rule, String where) {
    JsonNode v = rule.get("condition");
    if (v == null || v.isNull()) {
      return new Condition.Always();
    }
    List<GrowthBookCondition.Refusal> refusals = new ArrayList<>();
    Condition c = GrowthBookCondition.translate(v, path + ".condition", refusals);
    for (GrowthBookCondition.Refusal r : refusals) {
      error(
          r.path(),
          r.message(),
          where,
          "assay imports conditions with $eq $ne $in $nin $gt $gte $lt $lte $exists $not $and $or"
              + " $nor and plain equality; target with those, or leave this experiment out of the"
              + " import");
    }
    return c == null ? new Condition.Always() : c;
  }

  /** Fields that change assignment in ways assay cannot express. */
  private void refusals(String path, JsonNode rule, boolean hasNamespace, String where) {
    JsonNode filters = rule.get("filters");
    if (filters != null && !filters.isNull()) {
      if (!filters.isArray() || filters.size() > 0) {
        error(
            path + ".filters",
            "filters (hash-range filters on other seeds and attributes) cannot be expressed",
            where,
            "leave this experiment out of the import");
      } else if (hasNamespace) {
        error(
            path + ".filters",
            "an empty filters list makes GrowthBook's SDK skip the namespace check, so the"
                + " namespace would not apply",
            where,
            "remove filters or the namespace from the rule");
      }
    }
    JsonNode ranges = rule.get("ranges");
    if (ranges != null && !ranges.isNull()) {
      error(
          path + ".ranges",
          "explicit bucket ranges replace coverage and weights; assay's arms are laid out from"
              + " weights and traffic and cannot express them",
          where,
          "set coverage and weights instead, or leave this experiment out of the import");
    }
    JsonNode parents = rule.get("parentConditions");
    if (parents != null && !parents.isNull() && !(parents.isArray() && parents.size() == 0)) {
      error(
          path + ".parentConditions",
          "prerequisite features (their values decide who enters) cannot be expressed",
          where,
          "leave this experiment out of the import");
    }
    boolean sticky =
        !ignoreStickyBucketing && !GrowthBookCondition.truthy(rule.get("disableStickyBucketing"));
    if (sticky) {
      for (String f : List.of("fallbackAttribute", "bucketVersion", "minBucketVersion")) {
        if (GrowthBookCondition.truthy(rule.get(f))) {
          error(
              path + "." + f,
              f
                  + " "
                  + rule.get(f)
                  + ": with sticky bucketing, a unit keeps the variation stored for it earlier"
                  + " (or is excluded by bucket version), which no definition can recompute",
              where,
              "if the SDKs serving this payload use no sticky bucket service, pass"
                  + " --no-sticky-bucketing; else disable sticky bucketing for the experiment");
        }
      }
    }
  }

  /** A feature id as a path element: bare when it is a plain name, else quoted. */
  static String pathPart(String id) {
    return id.matches("[A-Za-z0-9_-]+") ? id : "\"" + id.replace("\"", "\\\"") + "\"";
  }
}
