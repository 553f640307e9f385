package io.assay.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
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
 */
public final class SpecNode {
  private final JsonNode node;
  private final String file;
  private final String path;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();

  public SpecNode(JsonNode node, String file, String path, Problems problems) {
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

  public JsonNode raw() {
    return node;
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

  public boolean has(String field) {
    known.add(field);
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  private JsonNode get(String field, boolean required, String what) {
    known.add(field);
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        error(field, "missing required field '" + field + "'", "add " + what);
      }
      return null;
    }
    return v;
  }

  public String requiredString(String field, String what) {
    return string(field, true, what);
  }

  public Optional<String> optionalString(String field) {
    return Optional.ofNullable(string(field, false, ""));
  }

  private String string(String field, boolean required, String what) {
    JsonNode v = get(field, required, what);
    if (v == null) {
      return null;
    }
    if (!v.isValueNode() || v.isBoolean()) {
      error(field, "expected a text value, found " + describe(v), "write " + what + " as text");
      return null;
    }
    return v.asText();
  }

  public Double requiredDouble(String field, String what) {
    return number(field, true, what);
  }

  public Optional<Double> optionalDouble(String field) {
    return Optional.ofNullable(number(field, false, "a number"));
  }

  private Double number(String field, boolean required, String what) {
    JsonNode v = get(field, required, what);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      error(field, "expected a number, found " + describe(v), "write " + what + " as a number");
      return null;
    }
    double d = v.asDouble();
    if (!Double.isFinite(d)) {
      error(field, "expected a finite number, found " + v.asText(), "write a finite number");
      return null;
    }
    return d;
  }

  public Optional<Integer> optionalInt(String field) {
    JsonNode v = get(field, false, "");
    if (v == null) {
      return Optional.empty();
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      error(field, "expected a whole number, found " + describe(v), "write a whole number");
      return Optional.empty();
    }
    return Optional.of(v.asInt());
  }

  public Optional<Boolean> optionalBoolean(String field) {
    JsonNode v = get(field, false, "");
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      error(field, "expected true or false, found " + describe(v), "write true or false");
      return Optional.empty();
    }
    return Optional.of(v.asBoolean());
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
    JsonNode v = get(field, required, what);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      error(field, "expected a mapping of fields, found " + describe(v), "write " + what);
      return null;
    }
    return new SpecNode(v, file, child(field), problems);
  }

  /** The elements of a list field, each as a node with an indexed path. */
  public List<SpecNode> list(String field, boolean required, String what) {
    JsonNode v = get(field, required, what);
    List<SpecNode> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!v.isArray()) {
      error(field, "expected a list, found " + describe(v), "write " + what + " as a YAML list");
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      out.add(new SpecNode(v.get(i), file, child(field) + "[" + i + "]", problems));
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
    Iterator<Map.Entry<String, JsonNode>> it = obj.node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      obj.known.add(e.getKey());
      out.add(
          Map.entry(e.getKey(), new SpecNode(e.getValue(), file, obj.child(e.getKey()), problems)));
    }
    return out;
  }

  public boolean isObject() {
    return node.isObject();
  }

  public boolean isArray() {
    return node.isArray();
  }

  /** This node as text (for list elements). */
  public String asString(String what) {
    if (node == null || node.isNull() || !node.isValueNode() || node.isBoolean()) {
      problems.error(
          file, path, "expected a text value, found " + describe(node), "write " + what + " here");
      return null;
    }
    return node.asText();
  }

  /** This node as a finite number (for list elements). */
  public Double asDouble(String what) {
    if (node == null || !node.isNumber() || !Double.isFinite(node.asDouble())) {
      problems.error(
          file, path, "expected a number, found " + describe(node), "write " + what + " here");
      return null;
    }
    return node.asDouble();
  }

  /** This node, which must be an object, as a node whose unknown fields will be reported. */
  public SpecNode requireObject(String what) {
    if (node == null || !node.isObject()) {
      problems.error(file, path, "expected a mapping, found " + describe(node), "write " + what);
      return null;
    }
    return this;
  }

  /** Field names present in this object, in file order. */
  public List<String> fieldNames() {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Marks fields as known without reading them (for fields another reader owns). */
  public void markKnown(String... fields) {
    known.addAll(List.of(fields));
  }

  /** Reports every field of this object that no accessor asked for. */
  public void finish() {
    if (node == null || !node.isObject()) {
      return;
    }
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
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

  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "nothing";
    }
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isBoolean()) {
      return "the boolean " + v.asText();
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    return "'" + v.asText() + "'";
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
