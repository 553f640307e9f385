package io.assay.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an eligibility condition. A node is exactly one of:
 *
 * <pre>
 * all: [cond, ...]        any: [cond, ...]        not: cond
 * {attribute: NAME, in: [v, ...]}      {attribute: NAME, not_in: [v, ...]}
 * {attribute: NAME, eq: v}             {attribute: NAME, ne: v}
 * {attribute: NAME, lt|lte|gt|gte: number}
 * {attribute: NAME, lt_text|lte_text|gt_text|gte_text: text}
 * {attribute: NAME, in_numbers: [number, ...]}
 * {attribute: NAME, exists: true|false}
 * </pre>
 */
final class ConditionReader {
  private static final List<String> OPERATORS =
      List.of(
          "in",
          "not_in",
          "eq",
          "ne",
          "lt",
          "lte",
          "gt",
          "gte",
          "lt_text",
          "lte_text",
          "gt_text",
          "gte_text",
          "in_numbers",
          "exists");
  private static final String FIX =
      "write one of all/any/not, or {attribute: NAME, OP: VALUE} with OP one of "
          + String.join(", ", OPERATORS);

  private ConditionReader() {}

  static Condition read(SpecNode n) {
    if (n.requireObject("a condition") == null) {
      return null;
    }
    List<String> fields = n.fieldNames();
    if (fields.contains("all") || fields.contains("any")) {
      boolean isAll = fields.contains("all");
      String f = isAll ? "all" : "any";
      List<Condition> terms = new ArrayList<>();
      for (SpecNode t : n.list(f, true, "a list of conditions")) {
        Condition c = read(t);
        if (c != null) {
          terms.add(c);
        }
      }
      n.finish();
      return isAll ? new Condition.All(terms) : new Condition.Any(terms);
    }
    if (fields.contains("not")) {
      SpecNode inner = n.object("not", true, "a condition");
      n.finish();
      Condition c = inner == null ? null : read(inner);
      return c == null ? null : new Condition.Not(c);
    }
    String attr = n.requiredString("attribute", "the attribute name the condition tests");
    List<String> ops = fields.stream().filter(OPERATORS::contains).toList();
    n.markKnown(OPERATORS.toArray(String[]::new));
    n.finish();
    if (ops.size() != 1) {
      n.error(
          null,
          ops.isEmpty()
              ? "condition has no operator"
              : "condition has several operators " + ops + "; use all: [...] to combine them",
          FIX);
      return null;
    }
    if (attr == null) {
      return null;
    }
    String op = ops.get(0);
    switch (op) {
      case "in", "not_in" -> {
        List<String> values = n.stringList(op, true, "a list of attribute values");
        if (!n.isList(op)) {
          return null;
        }
        return op.equals("in") ? new Condition.In(attr, values) : new Condition.NotIn(attr, values);
      }
      case "eq", "ne" -> {
        String v = n.requiredString(op, "the attribute value");
        if (v == null) {
          return null;
        }
        return op.equals("eq")
            ? new Condition.In(attr, List.of(v))
            : new Condition.NotIn(attr, List.of(v));
      }
      case "in_numbers" -> {
        List<SpecNode> items = n.list(op, true, "a list of numbers");
        if (!n.isList(op)) {
          return null;
        }
        List<Double> values = new ArrayList<>();
        for (SpecNode item : items) {
          Double v = item.asDouble("a number");
          if (v == null) {
            return null;
          }
          values.add(v);
        }
        return new Condition.NumberIn(attr, values);
      }
      case "exists" -> {
        if (!n.has(op)) {
          n.error(op, "exists has no value", "write exists: true or exists: false");
          return null;
        }
        Boolean present = n.optionalBoolean(op).orElse(null);
        if (present == null) {
          return null;
        }
        Condition.Exists e = new Condition.Exists(attr);
        return present ? e : new Condition.Not(e);
      }
      case "lt_text", "lte_text", "gt_text", "gte_text" -> {
        String v = n.requiredString(op, "the text to compare with");
        if (v == null) {
          return null;
        }
        return new Condition.TextCompare(attr, op(op.substring(0, op.length() - 5)), v);
      }
      default -> {
        Double v = n.requiredDouble(op, "the number to compare with");
        if (v == null) {
          return null;
        }
        return new Condition.Compare(attr, op(op), v);
      }
    }
  }

  private static Condition.Op op(String yaml) {
    return switch (yaml) {
      case "lt" -> Condition.Op.LT;
      case "lte" -> Condition.Op.LTE;
      case "gt" -> Condition.Op.GT;
      default -> Condition.Op.GTE;
    };
  }
}
