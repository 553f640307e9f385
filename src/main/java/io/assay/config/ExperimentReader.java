package io.assay.config;

import io.assay.stats.Alternative;
import io.assay.stats.PValueAdjustment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates one experiment version file. Checks that need other files (metric catalog,
 * namespaces, overlaps, the lock) are done by {@link ConfigLoader}.
 */
final class ExperimentReader {
  private static final Map<String, ExperimentDefinition.ArmsLoggedAs> ARMS_LOGGED_AS =
      new LinkedHashMap<>();

  static {
    ARMS_LOGGED_AS.put("key", ExperimentDefinition.ArmsLoggedAs.KEY);
    ARMS_LOGGED_AS.put("index", ExperimentDefinition.ArmsLoggedAs.INDEX);
  }

  /** Keys, arm keys and strata: letters, digits, '_', '-' and '.', starting with a letter/digit. */
  static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$");

  static final double WEIGHT_TOLERANCE = 1e-9;

  private ExperimentReader() {}

  static ExperimentDefinition read(
      YamlNode.Mapping tree,
      String file,
      String expectedKey,
      String expectedVersion,
      Problems problems) {
    SpecNode n = new SpecNode(tree, file, "", problems);
    int errorsBefore = problems.errors().size();

    String key = n.requiredString("key", "the experiment key as logged, e.g. checkout_button");
    if (key != null && !NAME.matcher(key).matches()) {
      n.error("key", "'" + key + "' is not a valid key", "use letters, digits, '_', '-' or '.'");
    }
    if (key != null && expectedKey != null && !key.equals(expectedKey)) {
      n.error(
          "key",
          "key '" + key + "' does not match the directory name '" + expectedKey + "'",
          "store the file as experiments/" + key + "/<version>.yaml");
    }
    String versionText = n.requiredString("version", "the semantic version, e.g. 1.0.0");
    SemVer version = SemVer.parse(versionText);
    if (versionText != null && version == null) {
      n.error(
          "version",
          "'" + versionText + "' is not a semantic version",
          "write MAJOR.MINOR.PATCH, e.g. 1.0.0 or 1.1.0-rc.1");
    }
    if (versionText != null && expectedVersion != null && !versionText.equals(expectedVersion)) {
      n.error(
          "version",
          "version '"
              + versionText
              + "' does not match the file name '"
              + expectedVersion
              + ".yaml'",
          "name the file " + versionText + ".yaml");
    }
    String owner = n.requiredString("owner", "who owns the experiment, e.g. a team or e-mail");
    String hypothesis = n.requiredString("hypothesis", "the hypothesis the experiment tests");
    String unit = n.optionalString("unit").orElse("user");
    HashScheme hash = n.choice("hash", HashScheme.byName(), HashScheme.NATIVE);
    String salt = n.requiredString("salt", "the hash salt, e.g. the experiment key");
    if (salt != null && salt.isEmpty()) {
      n.error(
          "salt",
          "salt is empty",
          "set a salt unique to this experiment (reuse the previous version's salt to keep units in"
              + " their arms)");
    } else if (salt != null && hash == HashScheme.NATIVE && salt.contains(":")) {
      n.error(
          "salt", "the native scheme's salt may not contain ':'", "remove the ':' from the salt");
    }

    Instant start = n.requiredInstant("start");
    Instant end = n.requiredInstant("end");
    if (start != null && end != null && !end.isAfter(start)) {
      n.error("end", "end " + end + " is not after start " + start, "set end after start");
    }

    List<Arm> arms = readArms(n);
    String control = n.requiredString("control", "the key of the control arm");
    if (control != null
        && !arms.isEmpty()
        && arms.stream().noneMatch(a -> a.key().equals(control))) {
      n.error(
          "control",
          "control arm '" + control + "' is not one of the arms",
          "set control to one of " + arms.stream().map(Arm::key).toList());
    }

    ExperimentDefinition.ArmsLoggedAs armsLoggedAs =
        n.choice("arms_logged_as", ARMS_LOGGED_AS, ExperimentDefinition.ArmsLoggedAs.KEY);

    TrafficSchedule traffic = readTraffic(n, start, end);
    if (hash == HashScheme.PLANOUT && traffic.steps().stream().anyMatch(s -> s.traffic() != 1.0)) {
      n.error(
          n.has("ramp") ? "ramp" : "traffic",
          "PlanOut experiments run at full traffic; PlanOut limits exposure with namespaces, which"
              + " assay cannot recompute",
          "remove traffic/ramp, or use the native or a GrowthBook scheme");
    }

    Optional<NamespaceRange> namespace = Optional.empty();
    SpecNode ns = n.object("namespace", false, "{name: NAME, range: [start, end]}");
    if (ns != null) {
      String name = ns.requiredString("name", "the namespace name declared in assay.yaml");
      double[] range = readRange(ns, "range");
      ns.finish();
      if (name != null && range != null) {
        namespace = Optional.of(new NamespaceRange(name, range[0], range[1]));
      }
      if (hash == HashScheme.PLANOUT) {
        n.error(
            "namespace",
            "PlanOut namespaces allocate segments statefully and cannot be recomputed from a"
                + " definition",
            "remove the namespace, or use the native or a GrowthBook scheme");
      }
    }
    Optional<String> holdout = n.optionalString("holdout");

    Condition eligibility = new Condition.Always();
    SpecNode el = n.object("eligibility", false, "a condition over unit attributes");
    if (el != null) {
      Condition c = ConditionReader.read(el);
      if (c != null) {
        eligibility = c;
      }
    }

    List<String> strata = n.stringList("strata", false, "attribute names");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < strata.size(); i++) {
      if (!seen.add(strata.get(i))) {
        n.error(
            "strata[" + i + "]", "stratum '" + strata.get(i) + "' is listed twice", "list it once");
      }
    }

    MetricRefs metrics = readMetricRefs(n);
    AnalysisSettings analysis = readAnalysis(n, metrics);
    n.finish();

    if (problems.errors().size() > errorsBefore) {
      return null;
    }
    return new ExperimentDefinition(
        key,
        version,
        owner,
        hypothesis,
        unit,
        salt,
        hash,
        namespace,
        holdout,
        traffic,
        arms,
        control,
        start,
        end,
        eligibility,
        strata,
        metrics,
        analysis,
        file,
        Yaml.canonicalSha256(tree),
        armsLoggedAs);
  }

  private static List<Arm> readArms(SpecNode n) {
    List<Arm> arms = new ArrayList<>();
    List<SpecNode> nodes =
        n.list("arms", true, "the arms, e.g. [{key: control, weight: 0.5}, ...]");
    if (n.hasKey("arms") && nodes.size() < 2) {
      n.error("arms", "an experiment needs at least two arms", "add a control and a treatment arm");
    }
    Set<String> keys = new HashSet<>();
    double sum = 0;
    boolean weightsOk = true;
    for (SpecNode a : nodes) {
      if (a.requireObject("{key: NAME, weight: FRACTION}") == null) {
        weightsOk = false;
        continue;
      }
      String key = a.requiredString("key", "the arm key as logged");
      Double w = a.requiredDouble("weight", "the arm's share of enrolled units, e.g. 0.5");
      a.optionalString("description");
      a.finish();
      if (key != null && !keys.add(key)) {
        a.error("key", "duplicate arm key '" + key + "'", "give every arm a distinct key");
      }
      if (key != null && !NAME.matcher(key).matches()) {
        a.error(
            "key", "'" + key + "' is not a valid arm key", "use letters, digits, '_', '-', '.'");
      }
      if (w == null) {
        weightsOk = false;
        continue;
      }
      if (w < 0) {
        a.error("weight", "weight " + w + " is negative", "use a weight in [0, 1]");
        weightsOk = false;
      }
      sum += w;
      if (key != null) {
        arms.add(new Arm(key, w));
      }
    }
    if (weightsOk && !nodes.isEmpty() && Math.abs(sum - 1.0) > WEIGHT_TOLERANCE) {
      n.error(
          "arms",
          "arm weights sum to " + sum + ", not 1",
          "make the weights add up to 1 (traffic, not weights, sets the enrolled share)");
    }
    return arms;
  }

  private static TrafficSchedule readTraffic(SpecNode n, Instant start, Instant end) {
    boolean hasTraffic = n.has("traffic");
    boolean hasRamp = n.has("ramp");
    if (hasTraffic && hasRamp) {
      n.error("ramp", "both traffic and ramp are set", "keep one: traffic for a fixed share");
    }
    if (!hasRamp) {
      double t = n.optionalDouble("traffic").orElse(1.0);
      if (t < 0 || t > 1) {
        n.error("traffic", "traffic " + t + " is outside [0, 1]", "use a fraction from 0 to 1");
      }
      return new TrafficSchedule(
          start == null ? List.of() : List.of(new RampStep(start, Math.max(0, Math.min(1, t)))));
    }
    List<RampStep> steps = new ArrayList<>();
    List<SpecNode> nodes = n.list("ramp", true, "ramp steps [{at: TIME, traffic: FRACTION}, ...]");
    if (nodes.isEmpty()) {
      n.error("ramp", "ramp has no steps", "add at least one {at: TIME, traffic: FRACTION}");
    }
    RampStep prev = null;
    for (SpecNode s : nodes) {
      if (s.requireObject("{at: TIME, traffic: FRACTION}") == null) {
        continue;
      }
      Instant at = s.requiredInstant("at");
      Double t = s.requiredDouble("traffic", "the share of eligible units from this step on");
      s.finish();
      if (at == null || t == null) {
        continue;
      }
      if (t < 0 || t > 1) {
        s.error("traffic", "traffic " + t + " is outside [0, 1]", "use a fraction from 0 to 1");
      }
      if (start != null && at.isBefore(start)) {
        s.error(
            "at", "ramp step at " + at + " is before start " + start, "start the ramp at start");
      }
      if (end != null && !at.isBefore(end)) {
        s.error("at", "ramp step at " + at + " is not before end " + end, "move it before end");
      }
      if (prev != null && !at.isAfter(prev.at())) {
        s.error(
            "at",
            "ramp step at " + at + " is not after the previous step at " + prev.at(),
            "list ramp steps in increasing time order");
      }
      if (prev != null && t < prev.traffic()) {
        s.error(
            "traffic",
            "traffic decreases from " + prev.traffic() + " to " + t,
            "ramps may only increase traffic; to lower it, end this version and start a new one with"
                + " a new salt");
      }
      RampStep step = new RampStep(at, t);
      steps.add(step);
      prev = step;
    }
    if (!steps.isEmpty() && start != null && steps.get(0).at().isAfter(start)) {
      n.warning(
          "ramp[0].at",
          "the first ramp step starts after the experiment's start; no unit is admitted before it",
          "start the ramp at start");
    }
    return new TrafficSchedule(steps);
  }

  /** A half-open range [a, b) within [0, 1], written as a two-element list. */
  static double[] readRange(SpecNode n, String field) {
    List<SpecNode> items = n.list(field, true, "[start, end] within [0, 1]");
    if (!n.isList(field)) {
      return null;
    }
    if (items.size() != 2) {
      n.error(
          field, "expected [start, end], found " + items.size() + " values", "write [0.0, 0.5]");
      return null;
    }
    Double a = items.get(0).asDouble("the range start");
    Double b = items.get(1).asDouble("the range end");
    if (a == null || b == null) {
      return null;
    }
    if (a < 0 || b > 1 || a >= b) {
      n.error(
          field,
          "range [" + a + ", " + b + "] is not within [0, 1] with start < end",
          "use 0 <= start < end <= 1");
      return null;
    }
    return new double[] {a, b};
  }

  private static MetricRefs readMetricRefs(SpecNode n) {
    SpecNode m = n.object("metrics", true, "{primary: [...], secondary: [...], guardrails: [...]}");
    if (m == null) {
      return new MetricRefs(List.of(), List.of(), List.of());
    }
    List<String> primary = m.stringList("primary", true, "metric names from metrics.yaml");
    List<String> secondary = m.stringList("secondary", false, "metric names");
    List<String> guardrails = m.stringList("guardrails", false, "metric names");
    m.finish();
    if (m.hasKey("primary") && primary.isEmpty()) {
      m.error("primary", "no primary metric", "name at least one primary metric");
    }
    Map<String, String> roles = new HashMap<>();
    for (var e :
        List.of(
            Map.entry("primary", primary),
            Map.entry("secondary", secondary),
            Map.entry("guardrails", guardrails))) {
      for (int i = 0; i < e.getValue().size(); i++) {
        String name = e.getValue().get(i);
        String before = roles.putIfAbsent(name, e.getKey());
        if (before != null) {
          m.error(
              e.getKey() + "[" + i + "]",
              "metric '" + name + "' is already listed under " + before,
              "give each metric one role");
        }
      }
    }
    return new MetricRefs(primary, secondary, guardrails);
  }

  private static AnalysisSettings readAnalysis(SpecNode n, MetricRefs metrics) {
    AnalysisSettings d = AnalysisSettings.defaults();
    SpecNode a = n.object("analysis", false, "analysis settings");
    if (a == null) {
      return d;
    }
    double alpha = a.optionalDouble("alpha").orElse(d.alpha());
    if (alpha <= 0 || alpha >= 0.5) {
      a.error("alpha", "alpha " + alpha + " is outside (0, 0.5)", "use e.g. 0.05");
    }
    double power = a.optionalDouble("power").orElse(d.power());
    if (power <= 0 || power >= 1) {
      a.error("power", "power " + power + " is outside (0, 1)", "use e.g. 0.8");
    }
    Map<String, Alternative> alternatives = new LinkedHashMap<>();
    for (Alternative s : Alternative.values()) {
      alternatives.put(s.label, s);
    }
    Alternative alternative = a.choice("alternative", alternatives, d.alternative());
    Map<String, PValueAdjustment> corrections = new LinkedHashMap<>();
    for (PValueAdjustment p :
        List.of(
            PValueAdjustment.HOLM,
            PValueAdjustment.HOCHBERG,
            PValueAdjustment.BENJAMINI_HOCHBERG,
            PValueAdjustment.BENJAMINI_YEKUTIELI,
            PValueAdjustment.NONE)) {
      corrections.put(p.label, p);
    }
    corrections.put("benjamini_hochberg", PValueAdjustment.BENJAMINI_HOCHBERG);
    corrections.put("benjamini_yekutieli", PValueAdjustment.BENJAMINI_YEKUTIELI);
    PValueAdjustment correction = a.choice("correction", corrections, d.correction());
    boolean cuped = a.optionalBoolean("cuped").orElse(d.cuped());
    boolean sequential = a.optionalBoolean("sequential").orElse(d.sequential());
    int minUnits = a.optionalInt("min_units_per_arm").orElse(d.minUnitsPerArm());
    if (minUnits < 2) {
      a.error("min_units_per_arm", "must be at least 2", "use e.g. 100");
    }
    Map<String, Double> mde = new LinkedHashMap<>();
    for (Map.Entry<String, SpecNode> e : a.entries("mde", false, "{metric: relative MDE}")) {
      Double v = e.getValue().asDouble("a relative effect such as 0.02");
      if (v == null) {
        continue;
      }
      if (v <= 0) {
        a.error("mde." + e.getKey(), "MDE " + v + " is not positive", "use e.g. 0.02 for 2%");
      }
      if (!metrics.all().contains(e.getKey())) {
        a.error(
            "mde." + e.getKey(),
            "metric '" + e.getKey() + "' is not one of this experiment's metrics",
            "use one of " + metrics.all());
      }
      mde.put(e.getKey(), v);
    }
    a.finish();
    return new AnalysisSettings(
        alpha, power, alternative, correction, cuped, sequential, mde, minUnits);
  }
}
