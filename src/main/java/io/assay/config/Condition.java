package io.assay.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An eligibility predicate over a unit's attributes (a map of text values), evaluated identically
 * by the pure-Java assigner and by Spark column expressions.
 *
 * <p>Semantics, which both evaluators implement exactly:
 *
 * <ul>
 *   <li>{@code in}: the attribute is present and its text equals one of the values
 *       (case-sensitive).
 *   <li>{@code not_in}: the attribute is absent, or its text equals none of the values.
 *   <li>numeric comparisons ({@code lt, lte, gt, gte}): the attribute is present, its text is a
 *       plain decimal number (matches {@link #NUMBER}), and the comparison holds on its double
 *       value. Anything else (absent, {@code "abc"}, {@code "NaN"}, {@code "0x10"}) is false.
 *   <li>text comparisons ({@code lt_text, lte_text, gt_text, gte_text}): the attribute is present
 *       and its text compares with the value by UTF-16 code units, as JavaScript (and Java's {@code
 *       String.compareTo}) order strings. Absent is false.
 *   <li>{@code in_numbers}: the attribute is present, its text is a plain decimal number, and its
 *       double value equals one of the numbers ({@code -0} equals {@code 0}).
 *   <li>{@code exists}: the attribute is present (any text, the empty text included).
 *   <li>{@code all} of an empty list is true; {@code any} of an empty list is false.
 * </ul>
 */
public sealed interface Condition {

  /**
   * The numeric text accepted by comparisons. Java's {@code String.matches} and Spark's {@code
   * rlike} use the same regex engine, and both parse a match to the same correctly rounded double.
   * Spark's {@code rlike} looks for a match with {@code find()}, so the pattern ends in {@code \z}:
   * {@code $} would also match before a trailing line terminator and let {@code "5\n"} through.
   */
  String NUMBER = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\\z";

  Pattern NUMBER_PATTERN = Pattern.compile(NUMBER);

  boolean test(Map<String, String> attributes);

  /** A readable rendering, e.g. {@code all(country in [US, CA], age >= 18)}. */
  default String render() {
    if (this instanceof Always) {
      return "always";
    }
    if (this instanceof All a) {
      return "all(" + String.join(", ", a.terms().stream().map(Condition::render).toList()) + ")";
    }
    if (this instanceof Any a) {
      return "any(" + String.join(", ", a.terms().stream().map(Condition::render).toList()) + ")";
    }
    if (this instanceof Not n) {
      return "not(" + n.term().render() + ")";
    }
    if (this instanceof In i) {
      return i.attribute() + " in " + i.values();
    }
    if (this instanceof NotIn i) {
      return i.attribute() + " not in " + i.values();
    }
    if (this instanceof NumberIn n) {
      return n.attribute() + " in numbers " + n.values();
    }
    if (this instanceof Exists e) {
      return e.attribute() + " exists";
    }
    if (this instanceof TextCompare t) {
      return t.attribute() + " " + t.op().symbol + " \"" + t.value() + "\" (text)";
    }
    Compare c = (Compare) this;
    return c.attribute() + " " + c.op().symbol + " " + c.value();
  }

  /** Attribute names the condition reads. */
  default void collectAttributes(java.util.Set<String> out) {}

  /** True for every unit (no eligibility rule). */
  record Always() implements Condition {
    @Override
    public boolean test(Map<String, String> attributes) {
      return true;
    }
  }

  record All(List<Condition> terms) implements Condition {
    public All {
      terms = List.copyOf(terms);
    }

    @Override
    public boolean test(Map<String, String> a) {
      for (Condition c : terms) {
        if (!c.test(a)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      terms.forEach(t -> t.collectAttributes(out));
    }
  }

  record Any(List<Condition> terms) implements Condition {
    public Any {
      terms = List.copyOf(terms);
    }

    @Override
    public boolean test(Map<String, String> a) {
      for (Condition c : terms) {
        if (c.test(a)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      terms.forEach(t -> t.collectAttributes(out));
    }
  }

  record Not(Condition term) implements Condition {
    @Override
    public boolean test(Map<String, String> a) {
      return !term.test(a);
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      term.collectAttributes(out);
    }
  }

  record In(String attribute, List<String> values) implements Condition {
    public In {
      values = List.copyOf(values);
    }

    @Override
    public boolean test(Map<String, String> a) {
      String v = a == null ? null : a.get(attribute);
      return v != null && values.contains(v);
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      out.add(attribute);
    }
  }

  record NotIn(String attribute, List<String> values) implements Condition {
    public NotIn {
      values = List.copyOf(values);
    }

    @Override
    public boolean test(Map<String, String> a) {
      String v = a == null ? null : a.get(attribute);
      return v == null || !values.contains(v);
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      out.add(attribute);
    }
  }

  /** Numeric comparison operators. */
  enum Op {
    LT("lt", "<"),
    LTE("lte", "<="),
    GT("gt", ">"),
    GTE("gte", ">=");

    public final String yaml;
    public final String symbol;

    Op(String yaml, String symbol) {
      this.yaml = yaml;
      this.symbol = symbol;
    }

    public boolean holds(double left, double right) {
      return switch (this) {
        case LT -> left < right;
        case LTE -> left <= right;
        case GT -> left > right;
        case GTE -> left >= right;
      };
    }
  }

  record Compare(String attribute, Op op, double value) implements Condition {
    @Override
    public boolean test(Map<String, String> a) {
      String v = a == null ? null : a.get(attribute);
      if (v == null || !NUMBER_PATTERN.matcher(v).matches()) {
        return false;
      }
      return op.holds(Double.parseDouble(v), value);
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      out.add(attribute);
    }
  }

  /**
   * The attribute is present. GrowthBook's {@code $exists}; with {@link Not}, an absent attribute
   * (which GrowthBook reads as {@code null}).
   */
  record Exists(String attribute) implements Condition {
    @Override
    public boolean test(Map<String, String> a) {
      return a != null && a.get(attribute) != null;
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      out.add(attribute);
    }
  }

  /**
   * The attribute is present and its text compares with {@code value} by UTF-16 code units ({@link
   * String#compareTo}), the order JavaScript's {@code <} gives two strings: GrowthBook's {@code
   * $lt}, {@code $gt} … on text.
   */
  record TextCompare(String attribute, Op op, String value) implements Condition {
    @Override
    public boolean test(Map<String, String> a) {
      String v = a == null ? null : a.get(attribute);
      return v != null && op.holds(v.compareTo(value), 0);
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      out.add(attribute);
    }
  }

  /**
   * The attribute is present, its text is a plain decimal number ({@link #NUMBER}) and its value
   * equals one of {@code values}: GrowthBook's equality with a number ({@code $eq: 5}, {@code $in:
   * [1, 2]}) on an attribute logged as text.
   */
  record NumberIn(String attribute, List<Double> values) implements Condition {
    public NumberIn {
      values = List.copyOf(values);
    }

    @Override
    public boolean test(Map<String, String> a) {
      String v = a == null ? null : a.get(attribute);
      if (v == null || !NUMBER_PATTERN.matcher(v).matches()) {
        return false;
      }
      double x = Double.parseDouble(v);
      for (double d : values) {
        if (x == d) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void collectAttributes(java.util.Set<String> out) {
      out.add(attribute);
    }
  }
}
