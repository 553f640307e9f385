package io.assay.config.growthbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.config.Condition;
import io.assay.config.Condition.Op;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Translates a GrowthBook targeting condition (the Mongo-style query of the SDK's {@code
 * evalCondition}, growthbook/growthbook {@code packages/sdk-js/src/mongrule.ts}) into an assay
 * {@link Condition} that gives the same answer on attributes logged as text.
 *
 * <p>GrowthBook evaluates typed JSON attributes; exposure logs hold text. The translation reads an
 * attribute's text as the type of the value it is compared with (docs/configuration.md, "Bring your
 * own definitions"): as text when compared with text, as a number (plain decimal text) when
 * compared with a number, as {@code true}/{@code false} when compared with a boolean. An absent
 * attribute is GrowthBook's {@code null}, with JavaScript's coercions kept exactly: {@code null <
 * 10} and {@code null * 1 === 0} are true, {@code null + "" === "null"} too.
 *
 * <p>Supported: plain equality (text, number, boolean, null), {@code $eq $ne $in $nin $gt $gte $lt
 * $lte $exists $not} on a field, and {@code $and $or $nor $not} on conditions. Anything else
 * ({@code $regex}, version comparisons, {@code $elemMatch}, saved groups, equality with a list or
 * an object, …) is refused, naming the operator and where it is.
 */
final class GrowthBookCondition {
  /** Why a part of a condition cannot be imported: the JSON path within the condition and why. */
  record Refusal(String path, String message) {}

  private final List<Refusal> refusals = new ArrayList<>();

  private GrowthBookCondition() {}

  /**
   * The condition, or null with the refusals recorded (every unsupported part, not just the first).
   * An empty condition ({@code {}}) is {@link Condition.Always}.
   */
  static Condition translate(JsonNode condition, String path, List<Refusal> refusals) {
    GrowthBookCondition t = new GrowthBookCondition();
    Condition c = t.condition(condition, path);
    refusals.addAll(t.refusals);
    if (!t.refusals.isEmpty()) {
      return null;
    }
    return c instanceof Condition.All all && all.terms().isEmpty() ? new Condition.Always() : c;
  }

  private Condition refuse(String path, String message) {
    refusals.add(new Refusal(path, message));
    return new Condition.All(List.of());
  }

  /** {@code evalCondition(obj, condition)}: every entry holds. */
  private Condition condition(JsonNode c, String path) {
    if (c == null || !c.isObject()) {
      return refuse(path, "a condition must be an object, found " + kind(c));
    }
    List<Condition> terms = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      String at = path + "." + k;
      switch (k) {
        case "$or" -> {
          // evalOr of an empty list is true.
          List<Condition> any = conditions(v, at);
          if (any != null && !any.isEmpty()) {
            terms.add(or(any));
          }
        }
        case "$nor" -> {
          // !evalOr: false for an empty list (evalOr([]) is true).
          List<Condition> any = conditions(v, at);
          if (any != null) {
            terms.add(any.isEmpty() ? new Condition.Any(List.of()) : new Condition.Not(or(any)));
          }
        }
        case "$and" -> {
          List<Condition> all = conditions(v, at);
          if (all != null) {
            terms.addAll(all);
          }
        }
        case "$not" -> terms.add(new Condition.Not(condition(v, at)));
        default -> {
          if (k.startsWith("$")) {
            terms.add(
                refuse(at, "operator '" + k + "' is not supported at the top of a condition"));
          } else {
            terms.add(value(k, v, at));
          }
        }
      }
    }
    return and(terms);
  }

  private List<Condition> conditions(JsonNode v, String path) {
    if (!v.isArray()) {
      refuse(path, "expected a list of conditions, found " + kind(v));
      return null;
    }
    List<Condition> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(condition(v.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** {@code evalConditionValue(condition, attributeValue)} for the attribute {@code a}. */
  private Condition value(String a, JsonNode c, String path) {
    if (c.isTextual()) {
      // value + "" === c: an absent attribute is null, whose text is "null".
      Condition eq = new Condition.In(a, List.of(c.asText()));
      return c.asText().equals("null") ? or(List.of(eq, absent(a))) : eq;
    }
    if (c.isNumber()) {
      // value * 1 === c: an absent attribute is null, and null * 1 is 0.
      double v = c.asDouble();
      Condition eq = new Condition.NumberIn(a, List.of(v));
      return v == 0 ? or(List.of(absent(a), eq)) : eq;
    }
    if (c.isBoolean()) {
      // value !== null && !!value === c: text "false" (a boolean) and "" (a string) are falsy.
      Condition falsy = new Condition.In(a, List.of("false", ""));
      return c.asBoolean()
          ? and(List.of(new Condition.Exists(a), new Condition.Not(falsy)))
          : falsy;
    }
    if (c.isNull()) {
      return absent(a);
    }
    if (c.isObject() && isOperatorObject(c)) {
      List<Condition> terms = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        terms.add(operator(a, e.getKey(), e.getValue(), path + "." + e.getKey()));
      }
      return and(terms);
    }
    return refuse(
        path,
        "equality with "
            + kind(c)
            + " compares JSON values, which attributes logged as text never are");
  }

  /** {@code evalOperatorCondition(operator, attributeValue, expected)}. */
  private Condition operator(String a, String op, JsonNode e, String path) {
    return switch (op) {
      case "$eq" -> strictEquals(a, e, path);
      case "$ne" -> negate(strictEquals(a, e, path));
      case "$in" -> in(a, e, path);
      case "$nin" -> negate(in(a, e, path));
      case "$lt" -> compare(a, Op.LT, e, path);
      case "$lte" -> compare(a, Op.LTE, e, path);
      case "$gt" -> compare(a, Op.GT, e, path);
      case "$gte" -> compare(a, Op.GTE, e, path);
      case "$exists" -> truthy(e) ? new Condition.Exists(a) : absent(a);
      case "$not" -> new Condition.Not(value(a, e, path));
      default -> refuse(path, "operator '" + op + "' is not supported");
    };
  }

  /** {@code actual === expected}. */
  private Condition strictEquals(String a, JsonNode e, String path) {
    if (e.isTextual()) {
      return new Condition.In(a, List.of(e.asText()));
    }
    if (e.isNumber()) {
      return new Condition.NumberIn(a, List.of(e.asDouble()));
    }
    if (e.isBoolean()) {
      return new Condition.In(a, List.of(String.valueOf(e.asBoolean())));
    }
    if (e.isNull()) {
      return absent(a);
    }
    return refuse(path, "comparing with " + kind(e) + " is not supported");
  }

  /**
   * {@code expected.includes(actual)}; a non-list never matches in GrowthBook, so it is refused.
   */
  private Condition in(String a, JsonNode e, String path) {
    if (!e.isArray()) {
      return refuse(
          path, "expected a list, found " + kind(e) + " (GrowthBook's SDK then never matches)");
    }
    List<String> texts = new ArrayList<>();
    List<Double> numbers = new ArrayList<>();
    List<Condition> terms = new ArrayList<>();
    for (int i = 0; i < e.size(); i++) {
      JsonNode x = e.get(i);
      if (x.isTextual()) {
        texts.add(x.asText());
      } else if (x.isNumber()) {
        numbers.add(x.asDouble());
      } else if (x.isBoolean()) {
        texts.add(String.valueOf(x.asBoolean()));
      } else if (x.isNull()) {
        terms.add(absent(a));
      } else {
        terms.add(refuse(path + "[" + i + "]", "a list element that is " + kind(x)));
      }
    }
    List<Condition> any = new ArrayList<>();
    if (!texts.isEmpty()) {
      any.add(new Condition.In(a, texts));
    }
    if (!numbers.isEmpty()) {
      any.add(new Condition.NumberIn(a, numbers));
    }
    any.addAll(terms);
    return or(any);
  }

  /**
   * {@code actual OP expected} in JavaScript: two strings compare as text; otherwise both sides
   * become numbers, and an absent attribute ({@code null}) becomes 0.
   */
  private Condition compare(String a, Op op, JsonNode e, String path) {
    if (e.isNumber()) {
      double v = e.asDouble();
      Condition c = new Condition.Compare(a, op, v);
      return op.holds(0, v) ? or(List.of(absent(a), c)) : c;
    }
    if (e.isTextual()) {
      Condition c = new Condition.TextCompare(a, op, e.asText());
      double v = jsToNumber(e.asText());
      return !Double.isNaN(v) && op.holds(0, v) ? or(List.of(absent(a), c)) : c;
    }
    return refuse(path, "comparing with " + kind(e) + " is not supported");
  }

  /** Not, with {@code not in} for a plain {@code in} (the same semantics, easier to read). */
  private static Condition negate(Condition c) {
    return c instanceof Condition.In in
        ? new Condition.NotIn(in.attribute(), in.values())
        : new Condition.Not(c);
  }

  private static Condition absent(String a) {
    return new Condition.Not(new Condition.Exists(a));
  }

  private static Condition and(List<Condition> terms) {
    List<Condition> flat = new ArrayList<>();
    for (Condition t : terms) {
      if (t instanceof Condition.All all) {
        flat.addAll(all.terms());
      } else {
        flat.add(t);
      }
    }
    return flat.size() == 1 ? flat.get(0) : new Condition.All(flat);
  }

  private static Condition or(List<Condition> terms) {
    return terms.size() == 1 ? terms.get(0) : new Condition.Any(terms);
  }

  /** GrowthBook's {@code isOperatorObject}: at least one key, and every key starts with '$'. */
  private static boolean isOperatorObject(JsonNode o) {
    if (o.size() == 0) {
      return false;
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      if (!it.next().startsWith("$")) {
        return false;
      }
    }
    return true;
  }

  /** JavaScript truthiness of a JSON value. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isNumber()) {
      double d = v.asDouble();
      return d != 0 && !Double.isNaN(d);
    }
    if (v.isTextual()) {
      return !v.asText().isEmpty();
    }
    return true; // arrays and objects, even empty ones
  }

  private static final Pattern JS_DECIMAL =
      Pattern.compile("[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern JS_INFINITY = Pattern.compile("[+-]?Infinity");
  private static final Pattern JS_PREFIXED =
      Pattern.compile("0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)");

  /** JavaScript's {@code Number(text)} (ECMAScript StringToNumber). */
  static double jsToNumber(String text) {
    String t = stripJsWhitespace(text);
    if (t.isEmpty()) {
      return 0;
    }
    if (JS_INFINITY.matcher(t).matches()) {
      return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (JS_PREFIXED.matcher(t).matches()) {
      int radix =
          switch (Character.toLowerCase(t.charAt(1))) {
            case 'x' -> 16;
            case 'o' -> 8;
            default -> 2;
          };
      return new java.math.BigInteger(t.substring(2), radix).doubleValue();
    }
    if (JS_DECIMAL.matcher(t).matches()) {
      return Double.parseDouble(t);
    }
    return Double.NaN;
  }

  /** Strips ECMAScript WhiteSpace and LineTerminator characters from both ends. */
  private static String stripJsWhitespace(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && jsWhitespace(s.charAt(from))) {
      from++;
    }
    while (to > from && jsWhitespace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean jsWhitespace(char c) {
    return c == '\t'
        || c == '\n'
        || c == 0x0B
        || c == '\f'
        || c == '\r'
        || c == ' '
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000
        || c == 0xFEFF;
  }

  /** How a JSON value reads in a message: {@code a list}, {@code the object {...}}, … */
  static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isArray()) {
      return "a list " + abbreviate(v.toString());
    }
    if (v.isObject()) {
      return "an object " + abbreviate(v.toString());
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isBoolean()) {
      return "the boolean " + v.asText();
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    return "the text " + v.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
