package io.assay.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A typed, path-aware view of one YAML object while it is being read into a definition.
 *
 * <p>Every accessor records the field as known; {@link #finish()} then reports each field that no
 * accessor asked for as an unknown field (with a "did you mean" hint), so misspelled settings are
 * errors instead of silently ignored defaults. Type errors and missing fields are collected in the
 * shared {@link Problems}; accessors return {@code null} or {@link Optional#empty()} so that
 * reading can continue and every problem in a file is reported at once.
 *
 * <p>The field decides the type of its value. A text field takes the scalar's text exactly as
 * written ({@code salt: 0123} is the salt {@code 0123}, arm {@code 007} is {@code 007}); a number
 * field takes plain decimals only; a boolean field takes {@code true} or {@code false}. Each
 * accessor records how it read a scalar, which the definition's canonical hash renders.
 */
public final class SpecNode {
  private final YamlNode node;
  private final String file;
  private final String path;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();

  SpecNode(YamlNode node, String file, String path, Problems problems) {
    this.node = node;
    this.file = file;
    this.path = path;
    this.problems = problems;
  }

  public String file() {
    return file;
  }

  public String path() {
    return path;
  }

  public Problems problems() {
    return problems;
  }

  /** The dotted path of a child field, e.g. {@code arms[1].weight}. */
  public String child(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  public void error(String field, String message, String fix) {
    problems.error(file, field == null ? path : child(field), message, fix);
  }

  public void warning(String field, String message, String fix) {
    problems.warning(file, field == null ? path : child(field), message, fix);
  }

  /** The field's value, or null when the field is absent or null; marks the field as known. */
  private YamlNode value(String field) {
    known.add(field);
    YamlNode v = node instanceof YamlNode.Mapping m ? m.get(field) : null;
    return v == null || isNull(v) ? null : v;
  }

  private static boolean isNull(YamlNode v) {
    return v == null || v instanceof YamlNode.Scalar s && s.isNull();
  }

  /** The field is present with a value (not null). */
  public boolean has(String field) {
    return value(field) != null;
  }

  /** The field's key is present, whatever its value (null included). */
  public boolean hasKey(String field) {
    known.add(field);
    return node instanceof YamlNode.Mapping m && m.fields().containsKey(field);
  }

  /** The field holds a mapping. */
  public boolean isObject(String field) {
    return value(field) instanceof YamlNode.Mapping;
  }

  /** The field holds a list. */
  public boolean isList(String field) {
    return value(field) instanceof YamlNode.Sequence;
  }

  /** The field holds a plain boolean, or a word YAML 1.1 took for one ({@code yes}, {@code on}). */
  public boolean isBoolean(String field) {
    return value(field) instanceof YamlNode.Scalar s && (s.bool() != null || s.isYaml11Boolean());
  }

  private YamlNode get(String field, boolean required, String what) {
    YamlNode v = value(field);
    if (v == null && required) {
      error(field, "missing required field '" + field + "'", "add " + what);
    }
    return v;
  }

  public String requiredString(String field, String what) {
    return string(field, true, what);
  }

  public Optional<String> optionalString(String field) {
    return Optional.ofNullable(string(field, false, ""));
  }

  /**
   * A text field: the scalar's text exactly as written, whatever it looks like ({@code 0123},
   * {@code 1.50}, {@code true} and {@code 2026-11-01} are all text here).
   */
  private String string(String field, boolean required, String what) {
    YamlNode v = get(field, required, what);
    return v == null ? null : text(v, child(field), what);
  }

  private String text(YamlNode v, String at, String what) {
    if (!(v instanceof YamlNode.Scalar s) || s.isNull()) {
      problems.error(
          file,
          at,
          "expected a text value, found " + describe(v),
          "write " + (what.isEmpty() ? "a text value" : what) + " as text");
      return null;
    }
    s.read(YamlNode.Reading.TEXT);
    return s.text();
  }

  public Double requiredDouble(String field, String what) {
    return number(field, true, what);
  }

  public Optional<Double> optionalDouble(String field) {
    return Optional.ofNullable(number(field, false, "a number"));
  }

  private Double number(String field, boolean required, String what) {
    YamlNode v = get(field, required, what);
    return v == null ? null : number(v, child(field), what);
  }

  /**
   * A number field: a plain decimal ({@code 0.5}, {@code -2}, {@code 1e3}, {@code .5}). Rejected
   * with the reason: quoted text, YAML 1.1 forms ({@code 0x1F}, {@code 1_000}, {@code 1:20}), a
   * leading zero ({@code 007}: octal in YAML 1.1, decimal in YAML 1.2), and non-finite values.
   */
  private Double number(YamlNode v, String at, String what) {
    String fix = "write " + what + " as a plain decimal number";
    if (!(v instanceof YamlNode.Scalar s)) {
      problems.error(file, at, "expected a number, found " + describe(v), fix);
      return null;
    }
    String t = s.text();
    if (!s.plain()) {
      problems.error(
          file,
          at,
          "expected a number, found the quoted text " + describe(v),
          fix + " without quotes");
      return null;
    }
    if (YamlNode.Scalar.NON_FINITE.matcher(t).matches()) {
      problems.error(file, at, "expected a finite number, found " + t, "write a finite number");
      return null;
    }
    if (YamlNode.Scalar.DECIMAL.matcher(t).matches()
        && YamlNode.Scalar.LEADING_ZERO.matcher(t).matches()) {
      problems.error(
          file,
          at,
          "'"
              + t
              + "' has a leading zero, which YAML 1.1 reads as an octal number and YAML 1.2 as a"
              + " decimal one",
          fix + " without leading zeros");
      return null;
    }
    if (!s.isDecimal()) {
      boolean yaml11 = YamlNode.Scalar.YAML11_NUMBER.matcher(t).matches();
      problems.error(
          file,
          at,
          yaml11
              ? "'" + t + "' is a YAML 1.1 number form, not a plain decimal number"
              : "expected a number, found " + describe(v),
          fix);
      return null;
    }
    double d = Double.parseDouble(t);
    if (!Double.isFinite(d)) {
      problems.error(file, at, "expected a finite number, found " + t, "write a finite number");
      return null;
    }
    s.read(YamlNode.Reading.NUMBER);
    return d;
  }

  public Optional<Integer> optionalInt(String field) {
    YamlNode v = get(field, false, "");
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof YamlNode.Scalar s) || !s.isDecimal()) {
      // Not a plain decimal at all: report why, as a number field does.
      number(v, child(field), "a whole number");
      return Optional.empty();
    }
    if (!YamlNode.Scalar.INTEGER.matcher(s.text()).matches()) {
      error(field, "expected a whole number, found " + describe(v), "write a whole number");
      return Optional.empty();
    }
    int i;
    try {
      i = Integer.parseInt(s.text());
    } catch (NumberFormatException e) {
      error(field, "whole number " + s.text() + " is too large", "write a smaller whole number");
      return Optional.empty();
    }
    s.read(YamlNode.Reading.NUMBER);
    return Optional.of(i);
  }

  public Optional<Boolean> optionalBoolean(String field) {
    YamlNode v = get(field, false, "");
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof YamlNode.Scalar s && s.bool() != null) {
      s.read(YamlNode.Reading.BOOLEAN);
      return Optional.of(s.bool());
    }
    boolean yaml11 = v instanceof YamlNode.Scalar s && s.isYaml11Boolean();
    error(
        field,
        "expected true or false, found "
            + describe(v)
            + (yaml11 ? " (a YAML 1.1 boolean; assay reads YAML 1.2, where it is text)" : ""),
        "write true or false");
    return Optional.empty();
  }

  /** An instant: an ISO-8601 timestamp with zone ({@code 2026-11-01T00:00:00Z}) or a UTC date. */
  public Instant requiredInstant(String field) {
    return instant(field, true);
  }

  public Optional<Instant> optionalInstant(String field) {
    return Optional.ofNullable(instant(field, false));
  }

  private Instant instant(String field, boolean required) {
    String s = string(field, required, "a timestamp such as 2026-11-01T00:00:00Z");
    if (s == null) {
      return null;
    }
    Instant t = parseInstant(s);
    if (t == null) {
      error(
          field,
          "'" + s + "' is not a timestamp",
          "write an ISO-8601 UTC timestamp such as 2026-11-01T00:00:00Z, or a date 2026-11-01");
    }
    return t;
  }

  /** Parses an ISO-8601 instant or a plain date (midnight UTC); null when it is neither. */
  public static Instant parseInstant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** A child object; reports a problem and returns null when the field is not an object. */
  public SpecNode object(String field, boolean required, String what) {
    YamlNode v = get(field, required, what);
    if (v == null) {
      return null;
    }
    if (!(v instanceof YamlNode.Mapping)) {
      error(field, "expected a mapping of fields, found " + describe(v), "write " + what);
      return null;
    }
    return new SpecNode(v, file, child(field), problems);
  }

  /** The elements of a list field, each as a node with an indexed path. */
  public List<SpecNode> list(String field, boolean required, String what) {
    YamlNode v = get(field, required, what);
    List<SpecNode> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof YamlNode.Sequence seq)) {
      error(field, "expected a list, found " + describe(v), "write " + what + " as a YAML list");
      return out;
    }
    for (int i = 0; i < seq.items().size(); i++) {
      out.add(new SpecNode(seq.items().get(i), file, child(field) + "[" + i + "]", problems));
    }
    return out;
  }

  /** The elements of this node, which is a list, each with an indexed path. */
  public List<SpecNode> items() {
    List<SpecNode> out = new ArrayList<>();
    if (node instanceof YamlNode.Sequence seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        out.add(new SpecNode(seq.items().get(i), file, path + "[" + i + "]", problems));
      }
    }
    return out;
  }

  /** A list of text values. */
  public List<String> stringList(String field, boolean required, String what) {
    List<String> out = new ArrayList<>();
    for (SpecNode e : list(field, required, what)) {
      String s = e.asString(what);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** A mapping of names to child objects, in file order. */
  public List<Map.Entry<String, SpecNode>> entries(String field, boolean required, String what) {
    SpecNode obj = object(field, required, what);
    List<Map.Entry<String, SpecNode>> out = new ArrayList<>();
    if (obj == null) {
      return out;
    }
    for (Map.Entry<String, YamlNode> e : ((YamlNode.Mapping) obj.node).fields().entrySet()) {
      obj.known.add(e.getKey());
      out.add(
          Map.entry(e.getKey(), new SpecNode(e.getValue(), file, obj.child(e.getKey()), problems)));
    }
    return out;
  }

  public boolean isObject() {
    return node instanceof YamlNode.Mapping;
  }

  public boolean isArray() {
    return node instanceof YamlNode.Sequence;
  }

  /** This node as text (for list elements), exactly as written. */
  public String asString(String what) {
    return text(node, path, what + " here");
  }

  /** This node as a finite number (for list elements). */
  public Double asDouble(String what) {
    return number(node, path, what);
  }

  /** This node, which must be an object, as a node whose unknown fields will be reported. */
  public SpecNode requireObject(String what) {
    if (!(node instanceof YamlNode.Mapping)) {
      problems.error(file, path, "expected a mapping, found " + describe(node), "write " + what);
      return null;
    }
    return this;
  }

  /** Field names present in this object, in file order. */
  public List<String> fieldNames() {
    return node instanceof YamlNode.Mapping m ? List.copyOf(m.fields().keySet()) : List.of();
  }

  /** Marks fields as known without reading them (for fields another reader owns). */
  public void markKnown(String... fields) {
    known.addAll(List.of(fields));
  }

  /** Reports every field of this object that no accessor asked for. */
  public void finish() {
    for (String f : fieldNames()) {
      if (!known.contains(f)) {
        String hint = suggestion(f, known);
        problems.error(
            file,
            child(f),
            "unknown field '" + f + "'",
            (hint == null ? "remove it" : "did you mean '" + hint + "'?")
                + " (allowed here: "
                + String.join(", ", known)
                + ")");
      }
    }
  }

  /** Reads an enum-like value from a fixed vocabulary, reporting the allowed values on error. */
  public <T> T choice(String field, Map<String, T> allowed, T dflt) {
    String s = optionalString(field).orElse(null);
    if (s == null) {
      return dflt;
    }
    T v = allowed.get(s);
    if (v == null) {
      error(
          field,
          "'" + s + "' is not one of " + String.join(", ", allowed.keySet()),
          "use one of " + String.join(", ", allowed.keySet()));
      return dflt;
    }
    return v;
  }

  public <T> T map(Function<SpecNode, T> reader) {
    return reader.apply(this);
  }

  /** What this node holds, for messages. */
  public String describe() {
    return describe(node);
  }

  static String describe(YamlNode v) {
    if (isNull(v)) {
      return "nothing";
    }
    if (v instanceof YamlNode.Mapping) {
      return "a mapping";
    }
    if (v instanceof YamlNode.Sequence) {
      return "a list";
    }
    YamlNode.Scalar s = (YamlNode.Scalar) v;
    if (s.bool() != null) {
      return "the boolean " + s.text();
    }
    if (s.isDecimal()) {
      return "the number " + s.text();
    }
    return "'" + s.text() + "'";
  }

  private static String suggestion(String unknown, Set<String> known) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(unknown.toLowerCase(), k.toLowerCase());
      if (d < bestDist) {
        bestDist = d;
        best = k;
      }
    }
    return best != null && bestDist <= Math.max(2, unknown.length() / 3) ? best : null;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
