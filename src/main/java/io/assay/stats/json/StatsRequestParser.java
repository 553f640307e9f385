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
import io.assay.stats.QuantileBuckets;
import io.assay.stats.QuantileSketch;
import io.assay.stats.RatioMoments;
import io.assay.stats.SampleMoments;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

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
          "enrollment_per_day",
          "quantile",
          "accuracy");
  private static final Set<String> RATIO_FIELDS =
      Set.of("den_sum", "den_sum_squares", "sum_products");
  private static final Set<String> CUPED_FIELDS =
      Set.of("pre_sum", "pre_sum_squares", "pre_sum_products");

  /** A ratio's pre-period denominator q, for CUPED of a ratio: its sums and cross-products. */
  private static final Set<String> RATIO_CUPED_FIELDS =
      Set.of(
          "pre_den_sum",
          "pre_den_sum_squares",
          "pre_sum_pre_den_products",
          "sum_pre_den_products",
          "den_pre_sum_products",
          "den_pre_den_products");

  private static final Set<String> QUANTILE_FIELDS =
      Set.of("sum_events", "sum_events_squares", "buckets");

  private static final Set<String> BUCKET_FIELDS = Set.of("bucket", "count", "squares", "cross");

  /** Bucket keys are 0 or ±(2^24 + j) with |j| < 2^24 ({@link QuantileBuckets#key}). */
  private static final long MAX_BUCKET = 2 * QuantileBuckets.OFFSET;

  /** The buckets' accuracy of a quantile request. */
  private double accuracy = QuantileBuckets.DEFAULT_ACCURACY;

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
    if (cuped && kind != null && !kind.cupedApplies()) {
      problem("cuped", "is not defined for kind " + kind.label + ": only mean, binomial and ratio");
    }
    Double quantile = null;
    if (kind == Kind.QUANTILE) {
      if (!root.has("quantile") || root.get("quantile").isNull()) {
        problem(
            "quantile", "is required for kind quantile: the level compared, such as 0.5 or 0.9");
      } else {
        quantile = probability(root, "quantile", 0.5);
      }
      if (root.has("accuracy") && !root.get("accuracy").isNull()) {
        JsonNode a = root.get("accuracy");
        try {
          new QuantileBuckets(a.isNumber() ? a.asDouble() : Double.NaN);
          accuracy = a.asDouble();
        } catch (IllegalArgumentException e) {
          problem("accuracy", e.getMessage() + " (the accuracy the buckets were made with)");
        }
      }
    } else {
      for (String f : List.of("quantile", "accuracy")) {
        if (root.has(f)) {
          problem(f, "only for kind quantile");
        }
      }
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
        enrollment,
        quantile);
  }

  private Kind kind(JsonNode n) {
    if (n == null || n.isNull()) {
      problem("kind", "is required: mean, binomial, ratio or quantile");
      return null;
    }
    String s = n.isTextual() ? n.asText().trim().toLowerCase(Locale.ROOT) : "";
    for (Kind k : Kind.values()) {
      if (k.label.equals(s)) {
        return k;
      }
    }
    if (s.equals("count")) {
      return Kind.MEAN; // a count per unit is analysed as a mean
    }
    problem("kind", "must be mean, binomial, ratio or quantile, was " + n);
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
      allowed.addAll(RATIO_CUPED_FIELDS);
      allowed.addAll(QUANTILE_FIELDS);
      unknownFields(a, at + ".", allowed);
      if (kind != Kind.RATIO) {
        notApplicable(a, at, RATIO_FIELDS, "only for kind ratio");
      }
      if (!cuped) {
        notApplicable(a, at, CUPED_FIELDS, "only with \"cuped\": true");
      }
      if (kind != Kind.RATIO || !cuped) {
        notApplicable(a, at, RATIO_CUPED_FIELDS, "only for kind ratio with \"cuped\": true");
      }
      if (kind == Kind.QUANTILE) {
        notApplicable(
            a,
            at,
            Set.of("sum", "sum_squares"),
            "not for kind quantile: its values are in buckets");
      } else {
        notApplicable(a, at, QUANTILE_FIELDS, "only for kind quantile");
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
    if (kind == Kind.QUANTILE) {
      return quantileArm(a, at, name);
    }
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
    if (kind == Kind.RATIO && cuped) {
      return ratioCupedArm(a, at, name, n, sum, sumSquares, xSum, xSquares, products, before);
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
   * An arm of a ratio with CUPED: besides the ratio's y and d, the pre-period numerator p ({@code
   * pre_sum…}) and denominator q ({@code pre_den_sum…}) with every cross-product, each checked as
   * the ratio's own.
   */
  private Arm ratioCupedArm(
      JsonNode a,
      String at,
      String name,
      Long n,
      Double y,
      Double y2,
      Double d,
      Double d2,
      Double yd,
      int before) {
    Double p = number(a, "pre_sum", at, true);
    Double p2 = number(a, "pre_sum_squares", at, true);
    Double q = number(a, "pre_den_sum", at, true);
    Double q2 = number(a, "pre_den_sum_squares", at, true);
    Double yp = number(a, "pre_sum_products", at, true);
    Double pq = number(a, "pre_sum_pre_den_products", at, true);
    Double yq = number(a, "sum_pre_den_products", at, true);
    Double dp = number(a, "den_pre_sum_products", at, true);
    Double dq = number(a, "den_pre_den_products", at, true);
    if (problems.size() > before || name == null) {
      return null;
    }
    squaresConsistent(at + ".pre_sum_squares", name, n, p, p2);
    squaresConsistent(at + ".pre_den_sum_squares", name, n, q, q2);
    if (problems.size() > before) {
      return null;
    }
    productsConsistent(at + ".pre_sum_products", name, n, y, y2, p, p2, yp);
    productsConsistent(at + ".pre_sum_pre_den_products", name, n, p, p2, q, q2, pq);
    productsConsistent(at + ".sum_pre_den_products", name, n, y, y2, q, q2, yq);
    productsConsistent(at + ".den_pre_sum_products", name, n, d, d2, p, p2, dp);
    productsConsistent(at + ".den_pre_den_products", name, n, d, d2, q, q2, dq);
    if (problems.size() > before) {
      return null;
    }
    try {
      new RatioMoments(n, y, y2, d, d2, yd, p, p2, q, q2, pq, yp, yq, dp, dq);
    } catch (IllegalArgumentException e) {
      problem(at, e.getMessage());
      return null;
    }
    return new Arm(name, new MetricMoments(n, y, y2, d, d2, yd, p, p2, yp, q, q2, pq, yq, dp, dq));
  }

  /**
   * An arm of a quantile: its units, its number of values ΣN and ΣN², and its buckets as {@code
   * metric_quantiles} holds them. Counts, squares and cross sums are whole numbers (sums of whole
   * products), each bucket's squares and cross at least its count (c² ≥ c, N ≥ c), and over all
   * buckets the squares and the cross sums both add up to ΣN² (S_i = N_i past the last bucket).
   */
  private Arm quantileArm(JsonNode a, String at, String name) {
    int before = problems.size();
    Long n = whole(a.get("n"), at + ".n");
    Double events = number(a, "sum_events", at, true);
    Double events2 = number(a, "sum_events_squares", at, true);
    JsonNode list = a.get("buckets");
    TreeMap<Long, QuantileSketch.Bucket> buckets = new TreeMap<>();
    double count = 0;
    double squares = 0;
    double cross = 0;
    if (list == null || !list.isArray()) {
      problem(
          at + ".buckets",
          "is required: a list of {bucket, count, squares, cross} (rows of metric_quantiles)");
    } else {
      for (int j = 0; j < list.size(); j++) {
        String bt = at + ".buckets[" + j + "]";
        JsonNode b = list.get(j);
        if (!b.isObject()) {
          problem(bt, "must be an object {bucket, count, squares, cross}");
          continue;
        }
        unknownFields(b, bt + ".", BUCKET_FIELDS);
        JsonNode k = b.get("bucket");
        Long key = null;
        if (k == null || !k.isIntegralNumber() || !k.canConvertToLong()) {
          problem(
              bt + ".bucket", "is required: a whole number (metric_quantiles.bucket), was " + k);
        } else if (k.asLong() <= -MAX_BUCKET || k.asLong() >= MAX_BUCKET) {
          problem(bt + ".bucket", "must be 0 or ±(2^24 + j) with |j| < 2^24, was " + k);
        } else if (buckets.containsKey(k.asLong())) {
          problem(bt + ".bucket", "duplicate bucket " + k);
        } else {
          key = k.asLong();
        }
        Double c = wholeSum(b, "count", bt);
        Double sq = wholeSum(b, "squares", bt);
        Double cr = wholeSum(b, "cross", bt);
        if (c != null && sq != null && sq < c) {
          problem(bt + ".squares", "must be at least count = " + c + " (Σc(2S⁻ + c) ≥ Σc)");
        }
        if (c != null && cr != null && cr < c) {
          problem(bt + ".cross", "must be at least count = " + c + " (Σc·N ≥ Σc)");
        }
        if (key != null && c != null && sq != null && cr != null) {
          buckets.put(key, new QuantileSketch.Bucket(c, sq, cr));
          count += c;
          squares += sq;
          cross += cr;
        }
      }
    }
    if (problems.size() > before || name == null) {
      return null;
    }
    if (!close(count, events)) {
      problem(
          at + ".sum_events", "must equal the buckets' total count " + count + ", was " + events);
    }
    if (!close(squares, events2)) {
      problem(
          at + ".sum_events_squares",
          "must equal the buckets' total squares "
              + squares
              + " (Σ S_i² = Σ N_i²), was "
              + events2);
    }
    if (!close(cross, events2)) {
      problem(
          at + ".sum_events_squares",
          "must equal the buckets' total cross " + cross + " (Σ S_i·N_i = Σ N_i²), was " + events2);
    }
    if (n == 0 && events > 0) {
      problem(at + ".n", "must be at least 1 when the arm has values");
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return new Arm(
          name,
          new MetricMoments(n, 0, 0, 0, 0, 0, 0, 0, 0),
          new QuantileSketch(accuracy, n, events, events2, buckets));
    } catch (IllegalArgumentException e) {
      problem(at, e.getMessage());
      return null;
    }
  }

  /** A required whole number ≥ 0 held as a double (bucket sums exceed a long's range late). */
  private Double wholeSum(JsonNode obj, String name, String at) {
    Double v = number(obj, name, at, true);
    if (v != null && (v < 0 || v != Math.rint(v))) {
      problem(at + "." + name, "must be a whole number ≥ 0, was " + v);
      return null;
    }
    return v;
  }

  /** Equal up to a relative 1e-9 (sums of doubles). */
  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
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
