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
}
