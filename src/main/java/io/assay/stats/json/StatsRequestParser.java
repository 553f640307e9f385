package io.assay.stats.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.stats.Alternative;
import io.assay.stats.BivariateMoments;
import io.assay.stats.MetricAnalysis;
import io.assay.stats.MetricAnalysis.Arm;
import io.assay.stats.MetricAnalysis.Kind;
import io.assay.stats.MetricMoments;
import io.assay.stats.PValueAdjustment;
import io.assay.stats.SampleMoments;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses and validates a stats request. Every problem is collected before failing, each naming its
 * field ({@code arms[1].n: must be a whole number ≥ 0}); unknown fields are errors, not ignored.
 */
public final class StatsRequestParser {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> TOP =
      Set.of(
          "kind",
          "alpha",
          "alternative",
          "cuped",
          "control",
          "arms",
          "correction",
          "mde",
          "power",
          "min_units",
          "increase_is_good",
          "sequential",
          "enrollment_per_day");
  private static final Set<String> RATIO_FIELDS =
      Set.of("den_sum", "den_sum_squares", "sum_products");
  private static final Set<String> CUPED_FIELDS =
      Set.of("pre_sum", "pre_sum_squares", "pre_sum_products");

  /** 2^53: unit counts enter the statistics as doubles, which hold every whole number up to it. */
  static final long MAX_UNITS = 1L << 53;

  private final List<String> problems = new ArrayList<>();

  private StatsRequestParser() {}

  /** The validated request. */
  public static MetricAnalysis.Request parse(String json) throws InvalidRequestException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(List.of("not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRequestException(List.of("the request must be a JSON object"));
    }
    StatsRequestParser p = new StatsRequestParser();
    MetricAnalysis.Request r = p.request(root);
    if (!p.problems.isEmpty()) {
      throw new InvalidRequestException(p.problems);
    }
    return r;
  }

  private MetricAnalysis.Request request(JsonNode root) {
    unknownFields(root, "", TOP);
    Kind kind = kind(root.get("kind"));
    double alpha = probability(root, "alpha", 0.05);
    Alternative alternative = Alternative.TWO_SIDED;
    String alt = string(root, "alternative", false);
    if (alt != null) {
      try {
        alternative = Alternative.parse(alt);
      } catch (IllegalArgumentException e) {
        problem("alternative", "must be two-sided, greater or less, was '" + alt + "'");
      }
    }
    boolean cuped = bool(root, "cuped", false);
    if (cuped && kind == Kind.RATIO) {
      problem(
          "cuped",
          "is not available for kind ratio through assay stats (a ratio's CUPED needs the"
              + " pre-period denominator's sums; the nightly pipeline has it): only mean and"
              + " binomial");
    }
    PValueAdjustment correction = PValueAdjustment.NONE;
    String corr = string(root, "correction", false);
    if (corr != null) {
      try {
        correction = PValueAdjustment.parse(corr);
      } catch (IllegalArgumentException e) {
        problem("correction", "must be " + PValueAdjustment.NAMES + ", was '" + corr + "'");
      }
    }
    Double mde = positive(root, "mde");
    double power = probability(root, "power", 0.8);
    long minUnits = 2;
    if (root.has("min_units")) {
      Long m = whole(root.get("min_units"), "min_units");
      minUnits = m == null ? 2 : m;
    }
    boolean increaseIsGood = bool(root, "increase_is_good", true);
    MetricAnalysis.Sequential sequential = sequential(root.get("sequential"));
    Double enrollment = positive(root, "enrollment_per_day");
    String control = string(root, "control", true);
    List<String> names = new ArrayList<>();
    List<Arm> arms = arms(root.get("arms"), kind, cuped, names);
    double units = arms == null ? 0 : arms.stream().mapToDouble(Arm::n).sum();
    if (units > MAX_UNITS) {
      problem(
          "arms",
          "the arms hold "
              + units
              + " units in all, more than 2^53 = "
              + MAX_UNITS
              + " (the largest count a double holds exactly)");
    }
    if (control != null && arms != null && !names.contains(control)) {
      problem("control", "names no arm: '" + control + "' is not among " + names);
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new MetricAnalysis.Request(
        kind,
        alpha,
        alternative,
        cuped,
        control,
        arms,
        correction,
        mde,
        power,
        minUnits,
        increaseIsGood,
        sequential,
        enrollment);
  }

  private Kind kind(JsonNode n) {
    if (n == null || n.isNull()) {
      problem("kind", "is required: mean, binomial or ratio");
      return null;
    }
    String s = n.isTextual() ? n.asText().trim().toLowerCase(Locale.ROOT) : "";
    if (s.equals(Kind.QUANTILE.label)) {
      problem(
          "kind",
          "quantile is analysed from bucketed values (the metric_quantiles table), not from sums:"
              + " assay stats takes mean, binomial or ratio");
      return null;
    }
    for (Kind k : Kind.values()) {
      if (k.label.equals(s)) {
        return k;
      }
    }
    if (s.equals("count")) {
      return Kind.MEAN; // a count per unit is analysed as a mean
    }
    problem("kind", "must be mean, binomial or ratio, was " + n);
    return null;
  }

  private List<Arm> arms(JsonNode n, Kind kind, boolean cuped, List<String> names) {
    if (n == null || !n.isArray()) {
      problem("arms", "is required: a list of at least 2 arms");
      return null;
    }
    if (n.size() < 2) {
      problem("arms", "must list at least 2 arms (control and a treatment), found " + n.size());
    }
    List<Arm> arms = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n.size(); i++) {
      String at = "arms[" + i + "]";
      JsonNode a = n.get(i);
      if (!a.isObject()) {
        problem(at, "must be an object");
        continue;
      }
      Set<String> allowed = new HashSet<>(Set.of("arm", "n", "sum", "sum_squares"));
      allowed.addAll(RATIO_FIELDS);
      allowed.addAll(CUPED_FIELDS);
      unknownFields(a, at + ".", allowed);
      if (kind != Kind.RATIO) {
        notApplicable(a, at, RATIO_FIELDS, "only for kind ratio");
      }
      if (!cuped) {
        notApplicable(a, at, CUPED_FIELDS, "only with \"cuped\": true");
      }
      String name = string(a, "arm", true, at + ".arm");
      if (name != null && !seen.add(name)) {
        problem(at + ".arm", "duplicate arm name '" + name + "'");
      } else if (name != null) {
        names.add(name);
      }
      Arm arm = kind == null ? null : arm(a, at, name, kind, cuped);
      if (arm != null) {
        arms.add(arm);
      }
    }
    return arms;
  }

  private Arm arm(JsonNode a, String at, String name, Kind kind, boolean cuped) {
    int before = problems.size();
    Long n = whole(a.get("n"), at + ".n");
    Double sum = number(a, "sum", at, true);
    Double sumSquares = number(a, "sum_squares", at, kind != Kind.BINOMIAL);
    if (kind == Kind.BINOMIAL && n != null && sum != null) {
      if (sum != Math.rint(sum) || sum < 0 || sum > n) {
        problem(at + ".sum", "must be a whole number of successes between 0 and n = " + n);
      }
      if (sumSquares != null && !sumSquares.equals(sum)) {
        problem(
            at + ".sum_squares", "must equal sum for a binomial metric (y² = y), or be omitted");
      }
      sumSquares = sum;
    }
    if (n != null && sum != null && sumSquares != null) {
      squaresConsistent(at + ".sum_squares", name, n, sum, sumSquares);
    }
    Double xSum = null;
    Double xSquares = null;
    Double products = null;
    if (kind == Kind.RATIO) {
      xSum = number(a, "den_sum", at, true);
      xSquares = number(a, "den_sum_squares", at, true);
      products = number(a, "sum_products", at, true);
      if (n != null && xSum != null && xSquares != null) {
        squaresConsistent(at + ".den_sum_squares", name, n, xSum, xSquares);
      }
    } else if (cuped) {
      xSum = number(a, "pre_sum", at, true);
      xSquares = number(a, "pre_sum_squares", at, true);
      products = number(a, "pre_sum_products", at, true);
      if (n != null && xSum != null && xSquares != null) {
        squaresConsistent(at + ".pre_sum_squares", name, n, xSum, xSquares);
      }
    }
    if (products != null && problems.size() == before) {
      String field = at + (kind == Kind.RATIO ? ".sum_products" : ".pre_sum_products");
      productsConsistent(field, name, n, sum, sumSquares, xSum, xSquares, products);
    }
    if (problems.size() > before || name == null) {
      return null;
    }
    // The records validate what the checks above have not already named.
    new SampleMoments(n, sum, sumSquares);
    if (xSum == null) {
      return new Arm(name, new MetricMoments(n, sum, sumSquares, 0, 0, 0, 0, 0, 0));
    }
    new BivariateMoments(n, sum, sumSquares, xSum, xSquares, products);
    return new Arm(
        name,
        kind == Kind.RATIO
            ? new MetricMoments(n, sum, sumSquares, xSum, xSquares, products, 0, 0, 0)
            : new MetricMoments(n, sum, sumSquares, 0, 0, 0, xSum, xSquares, products));
  }

  /**
   * Σy² ≥ (Σy)²/n (Cauchy–Schwarz), up to rounding in the sums: a relative 1e-9, and one unit in
   * the last place of the subnormal range per unit (each y² is rounded to a multiple of 4.9e-324
   * there). When (Σy)²/n overflows a double, no finite Σy² reaches it.
   */
  private void squaresConsistent(String field, String arm, long n, double sum, double squares) {
    if (n == 0) {
      if (sum != 0 || squares != 0) {
        problem(field, "sums must be 0 when n = 0");
      }
      return;
    }
    double least = sum * (sum / n);
    if (!Double.isFinite(least)) {
      problem(
          field,
          "must be at least sum²/n, which overflows a double for sum = "
              + sum
              + " and n = "
              + n
              + noRealValues(arm));
    } else if (squares < least * (1 - 1e-9) - n * Double.MIN_VALUE) {
      problem(field, "must be at least sum²/n = " + least + noRealValues(arm));
    }
  }

  /**
   * (Σxy − ΣxΣy/n)² ≤ (Σx² − (Σx)²/n)(Σy² − (Σy)²/n) (Cauchy–Schwarz on the centred values), up to
   * rounding: 1e-9 of √(Σx²·Σy²), the scale of every term, plus one subnormal unit per unit. Square
   * roots keep the products of the bound in range. Requires both sums of squares to be consistent.
   */
  private void productsConsistent(
      String field,
      String arm,
      long n,
      double sumY,
      double squaresY,
      double sumX,
      double squaresX,
      double products) {
    if (n == 0) {
      if (products != 0) {
        problem(field, "sums must be 0 when n = 0");
      }
      return;
    }
    double centre = sumX * (sumY / n);
    double reach =
        Math.sqrt(Math.max(0, squaresX - sumX * (sumX / n)))
            * Math.sqrt(Math.max(0, squaresY - sumY * (sumY / n)));
    double slack = 1e-9 * Math.sqrt(squaresX) * Math.sqrt(squaresY) + n * Double.MIN_VALUE;
    if (!(Math.abs(products - centre) <= reach + slack)) {
      problem(
          field,
          "must be between "
              + (centre - reach)
              + " and "
              + (centre + reach)
              + " (Cauchy–Schwarz: |Σxy − ΣxΣy/n| ≤ √((Σx² − (Σx)²/n)(Σy² − (Σy)²/n)))"
              + noRealValues(arm));
    }
  }

  /** The end of a message about sums that contradict each other, naming the arm when it has one. */
  private static String noRealValues(String arm) {
    return ": no real values" + (arm == null ? "" : " of arm '" + arm + "'") + " have these sums";
  }

  private MetricAnalysis.Sequential sequential(JsonNode n) {
    if (n == null || n.isNull() || (n.isBoolean() && !n.asBoolean())) {
      return null;
    }
    if (n.isBoolean()) {
      return new MetricAnalysis.Sequential(null, null);
    }
    if (!n.isObject()) {
      problem("sequential", "must be true, false or {\"rho\": …} / {\"planned_n_per_arm\": …}");
      return null;
    }
    unknownFields(n, "sequential.", Set.of("rho", "planned_n_per_arm"));
    Double rho = positive(n, "rho", "sequential.rho");
    Double planned = positive(n, "planned_n_per_arm", "sequential.planned_n_per_arm");
    if (rho != null && planned != null) {
      problem("sequential", "give rho or planned_n_per_arm, not both");
    }
    return new MetricAnalysis.Sequential(rho, planned);
  }

  // ---- field helpers ----------------------------------------------------------------------

  private void problem(String field, String message) {
    problems.add(field + ": " + message);
  }

  private void unknownFields(JsonNode obj, String prefix, Set<String> allowed) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        problem(prefix + f, "unknown field");
      }
    }
  }

  private void notApplicable(JsonNode a, String at, Set<String> fields, String why) {
    for (String f : new LinkedHashSet<>(fields)) {
      if (a.has(f)) {
        problem(at + "." + f, why);
      }
    }
  }

  private Long whole(JsonNode n, String field) {
    if (n == null || n.isNull()) {
      problem(field, "is required: a whole number ≥ 0");
      return null;
    }
    if (!n.isNumber()
        || n.asDouble() != Math.rint(n.asDouble())
        || n.asDouble() < 0
        || n.asDouble() > Long.MAX_VALUE) {
      problem(field, "must be a whole number ≥ 0, was " + n);
      return null;
    }
    return n.asLong();
  }

  private Double number(JsonNode obj, String name, String at, boolean required) {
    JsonNode n = obj.get(name);
    String field = at + "." + name;
    if (n == null || n.isNull()) {
      if (required) {
        problem(field, "is required: a finite number");
      }
      return null;
    }
    if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
      problem(field, "must be a finite number, was " + n);
      return null;
    }
    return n.asDouble();
  }

  private double probability(JsonNode obj, String name, double dflt) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber() || !(n.asDouble() > 0 && n.asDouble() < 1)) {
      problem(name, "must be a number strictly between 0 and 1, was " + n);
      return dflt;
    }
    return n.asDouble();
  }

  private Double positive(JsonNode obj, String name) {
    return positive(obj, name, name);
  }

  private Double positive(JsonNode obj, String name, String field) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber() || !(n.asDouble() > 0) || !Double.isFinite(n.asDouble())) {
      problem(field, "must be a finite number > 0, was " + n);
      return null;
    }
    return n.asDouble();
  }

  private boolean bool(JsonNode obj, String name, boolean dflt) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      problem(name, "must be true or false, was " + n);
      return dflt;
    }
    return n.asBoolean();
  }

  private String string(JsonNode obj, String name, boolean required) {
    return string(obj, name, required, name);
  }

  private String string(JsonNode obj, String name, boolean required, String field) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      if (required) {
        problem(field, "is required: a non-empty string");
      }
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      problem(field, "must be a non-empty string, was " + n);
      return null;
    }
    return n.asText();
  }
}
