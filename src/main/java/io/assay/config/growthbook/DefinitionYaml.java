package io.assay.config.growthbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.config.AnalysisSettings;
import io.assay.config.Arm;
import io.assay.config.Condition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes definition files in the format {@code ExperimentReader} reads (docs/configuration.md):
 * text plain where YAML reads it back unchanged, else double-quoted with JSON escapes (valid YAML);
 * numbers in their shortest exact decimal form, so each reads back as the very same double.
 */
final class DefinitionYaml {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Set<String> RESERVED =
      Set.of("null", "true", "false", "yes", "no", "on", "off", "y", "n");

  private final StringBuilder b = new StringBuilder();

  /** A comment line ({@code # text}). */
  DefinitionYaml comment(String text) {
    b.append("# ").append(text).append('\n');
    return this;
  }

  DefinitionYaml field(String name, String rawValue) {
    b.append(name).append(": ").append(rawValue).append('\n');
    return this;
  }

  DefinitionYaml text(String name, String value) {
    return field(name, text(value));
  }

  DefinitionYaml number(String name, double value) {
    return field(name, number(value));
  }

  DefinitionYaml arms(List<Arm> arms) {
    b.append("arms:\n");
    for (Arm a : arms) {
      b.append("  - {key: ")
          .append(text(a.key()))
          .append(", weight: ")
          .append(number(a.weight()))
          .append("}\n");
    }
    return this;
  }

  DefinitionYaml eligibility(Condition c) {
    if (c instanceof Condition.Always) {
      return this;
    }
    List<String> lines = new ArrayList<>();
    emit(c, "  ", lines);
    b.append("eligibility:\n");
    lines.forEach(l -> b.append(l).append('\n'));
    return this;
  }

  DefinitionYaml textList(String name, List<String> values) {
    return field(name, list(values.stream().map(DefinitionYaml::text).toList()));
  }

  DefinitionYaml metrics(List<String> primary, List<String> secondary, List<String> guardrails) {
    b.append("metrics:\n");
    b.append("  primary: ").append(list(primary.stream().map(DefinitionYaml::text).toList()));
    b.append('\n');
    if (!secondary.isEmpty()) {
      b.append("  secondary: ")
          .append(list(secondary.stream().map(DefinitionYaml::text).toList()))
          .append('\n');
    }
    if (!guardrails.isEmpty()) {
      b.append("  guardrails: ")
          .append(list(guardrails.stream().map(DefinitionYaml::text).toList()))
          .append('\n');
    }
    return this;
  }

  /** The analysis block, only when it differs from the defaults. */
  DefinitionYaml analysis(AnalysisSettings a) {
    if (a.equals(AnalysisSettings.defaults())) {
      return this;
    }
    b.append("analysis:\n");
    b.append("  alpha: ").append(number(a.alpha())).append('\n');
    b.append("  power: ").append(number(a.power())).append('\n');
    b.append("  alternative: ").append(text(a.alternative().label)).append('\n');
    b.append("  correction: ").append(text(a.correction().label)).append('\n');
    b.append("  cuped: ").append(a.cuped()).append('\n');
    b.append("  sequential: ").append(a.sequential()).append('\n');
    if (!a.mde().isEmpty()) {
      b.append("  mde:\n");
      new TreeMap<>(a.mde())
          .forEach(
              (m, v) ->
                  b.append("    ").append(text(m)).append(": ").append(number(v)).append('\n'));
    }
    b.append("  min_units_per_arm: ").append(a.minUnitsPerArm()).append('\n');
    return this;
  }

  @Override
  public String toString() {
    return b.toString();
  }

  /**
   * A condition as a block mapping: {@code all}, {@code any} and {@code not} nest, each leaf is a
   * one-line flow mapping. {@code prefix} precedes the mapping's first key.
   */
  private static void emit(Condition c, String prefix, List<String> lines) {
    String pad = " ".repeat(prefix.length());
    if (c instanceof Condition.All all) {
      emitList("all", all.terms(), prefix, pad, lines);
    } else if (c instanceof Condition.Any any) {
      emitList("any", any.terms(), prefix, pad, lines);
    } else if (c instanceof Condition.Not not && !(not.term() instanceof Condition.Exists)) {
      if (leaf(not.term())) {
        lines.add(prefix + "not: " + flow(not.term()));
      } else {
        lines.add(prefix + "not:");
        emit(not.term(), pad + "  ", lines);
      }
    } else {
      lines.add(prefix + flow(c));
    }
  }

  private static void emitList(
      String name, List<Condition> terms, String prefix, String pad, List<String> lines) {
    if (terms.isEmpty()) {
      lines.add(prefix + name + ": []");
      return;
    }
    lines.add(prefix + name + ":");
    for (Condition t : terms) {
      emit(t, pad + "  - ", lines);
    }
  }

  private static boolean leaf(Condition c) {
    return !(c instanceof Condition.All
        || c instanceof Condition.Any
        || (c instanceof Condition.Not n && !(n.term() instanceof Condition.Exists)));
  }

  /** A leaf condition as a flow mapping, e.g. {@code {attribute: country, in: [US, CA]}}. */
  private static String flow(Condition c) {
    String op;
    String value;
    String attribute;
    if (c instanceof Condition.In in) {
      attribute = in.attribute();
      op = "in";
      value = list(in.values().stream().map(DefinitionYaml::text).toList());
    } else if (c instanceof Condition.NotIn in) {
      attribute = in.attribute();
      op = "not_in";
      value = list(in.values().stream().map(DefinitionYaml::text).toList());
    } else if (c instanceof Condition.NumberIn in) {
      attribute = in.attribute();
      op = "in_numbers";
      value = list(in.values().stream().map(DefinitionYaml::number).toList());
    } else if (c instanceof Condition.Compare cmp) {
      attribute = cmp.attribute();
      op = cmp.op().yaml;
      value = number(cmp.value());
    } else if (c instanceof Condition.TextCompare cmp) {
      attribute = cmp.attribute();
      op = cmp.op().yaml + "_text";
      value = text(cmp.value());
    } else if (c instanceof Condition.Exists e) {
      attribute = e.attribute();
      op = "exists";
      value = "true";
    } else if (c instanceof Condition.Not n && n.term() instanceof Condition.Exists e) {
      attribute = e.attribute();
      op = "exists";
      value = "false";
    } else {
      throw new IllegalArgumentException("not a leaf condition: " + c);
    }
    return "{attribute: " + text(attribute) + ", " + op + ": " + value + "}";
  }

  private static String list(List<String> items) {
    return "[" + String.join(", ", items) + "]";
  }

  /** Text as a YAML scalar that reads back as exactly this text. */
  static String text(String s) {
    if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A finite double in its shortest exact decimal form, e.g. {@code 0.5}, {@code 1}, {@code -10}.
   */
  static String number(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("not a finite number: " + d);
    }
    if (d == 0) {
      return "0";
    }
    BigDecimal v = BigDecimal.valueOf(d).stripTrailingZeros();
    int exponent = v.precision() - v.scale() - 1;
    return exponent > 20 || exponent < -7 ? v.toString() : v.toPlainString();
  }
}
