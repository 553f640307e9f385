package io.assay.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code conf/metrics.yaml}: named sources and metrics. Spark SQL expressions are checked for
 * presence here and for syntax by {@code io.assay.metrics.MetricSqlCheck}, before Spark starts.
 */
final class MetricCatalogReader {
  private static final Pattern WINDOW = Pattern.compile("^\\[\\s*(\\S+)\\s*,\\s*(\\S+)\\s*\\)$");
  private static final Pattern COLUMN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

  private MetricCatalogReader() {}

  static MetricCatalog read(
      YamlNode.Mapping tree, String file, Location dataRoot, Problems problems) {
    SpecNode n = new SpecNode(tree, file, "", problems);
    Map<String, MetricSource> sources = new LinkedHashMap<>();
    // Every name declared, usable or not: a metric reading a source with a mistake of its own is
    // not also an unknown source (one mistake, one error).
    Set<String> declared = new LinkedHashSet<>();
    for (Map.Entry<String, SpecNode> e : n.entries("sources", true, "named source tables")) {
      declared.add(e.getKey());
      SpecNode s = e.getValue().requireObject("{path, format, unit_column, time_column}");
      if (s == null) {
        continue;
      }
      Source source =
          SourceReader.read(s, dataRoot, AssayConfigReader.formats("delta", "parquet"), "delta");
      String unitColumn = column(s, "unit_column", "the column holding the unit id");
      String timeColumn = column(s, "time_column", "the timestamp or date column");
      s.optionalString("description");
      s.finish();
      if (source != null && unitColumn != null && timeColumn != null) {
        sources.put(e.getKey(), new MetricSource(e.getKey(), source, unitColumn, timeColumn));
      }
    }

    Map<String, MetricDefinition> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, SpecNode> e : n.entries("metrics", true, "named metrics")) {
      String name = e.getKey();
      if (!ExperimentReader.NAME.matcher(name).matches()) {
        e.getValue().error(null, "'" + name + "' is not a valid metric name", "use [A-Za-z0-9_.-]");
      }
      MetricDefinition m = readMetric(name, e.getValue(), declared);
      if (m != null) {
        metrics.put(name, m);
      }
    }
    n.finish();
    return new MetricCatalog(sources, metrics);
  }

  static String column(SpecNode s, String field, String what) {
    String c = s.requiredString(field, what);
    if (c != null && !COLUMN.matcher(c).matches()) {
      s.error(field, "'" + c + "' is not a plain column name", "name a top-level column");
      return null;
    }
    return c;
  }

  private static MetricDefinition readMetric(String name, SpecNode node, Set<String> sources) {
    SpecNode m = node.requireObject("a metric definition");
    if (m == null) {
      return null;
    }
    int before = m.problems().errors().size();
    String description = m.optionalString("description").orElse("");
    MetricKind kind = m.choice("kind", MetricKind.byName(), null);
    if (!m.has("kind")) {
      m.error(
          "kind",
          "missing required field 'kind'",
          "add kind: binomial, mean, count, ratio or quantile");
    }
    Measure numerator;
    Optional<Measure> denominator = Optional.empty();
    if (kind == MetricKind.RATIO) {
      SpecNode num = m.object("numerator", true, "{source: NAME, value: SQL, filter: SQL}");
      SpecNode den = m.object("denominator", true, "{source: NAME, value: SQL, filter: SQL}");
      numerator = num == null ? null : measure(num, sources, true);
      Measure d = den == null ? null : measure(den, sources, true);
      denominator = Optional.ofNullable(d);
    } else {
      numerator = measure(m, sources, kind == MetricKind.MEAN || kind == MetricKind.QUANTILE);
    }
    Optional<Quantile> quantile =
        kind == MetricKind.QUANTILE ? Optional.ofNullable(quantile(m)) : Optional.empty();
    Window window = window(m, "window", true);
    if (window != null && window.from().isNegative()) {
      m.error(
          "window",
          "the analysis window " + window + " starts before first exposure",
          "start it at 0d or later; use cuped_window for pre-exposure data");
    }
    Optional<Window> cuped = Optional.ofNullable(window(m, "cuped_window", false));
    if (cuped.isPresent() && cuped.get().to().compareTo(Duration.ZERO) > 0) {
      m.error(
          "cuped_window",
          "the CUPED window " + cuped.get() + " reaches past first exposure",
          "end it at 0d or earlier, e.g. [-14d, 0d)");
    }
    if (cuped.isPresent() && kind == MetricKind.QUANTILE) {
      m.error("cuped_window", "CUPED is not supported for quantile metrics", "remove cuped_window");
    }
    Optional<Cap> cap = Optional.empty();
    SpecNode c = m.object("cap", false, "{value: NUMBER} or {percentile: 0.99}");
    if (c != null) {
      Optional<Double> v = c.optionalDouble("value");
      Optional<Double> p = c.optionalDouble("percentile");
      c.finish();
      if (v.isPresent() == p.isPresent()) {
        c.error(null, "set exactly one of value and percentile", "e.g. cap: {percentile: 0.99}");
      } else if (p.isPresent() && (p.get() <= 0 || p.get() >= 1)) {
        c.error("percentile", "percentile " + p.get() + " is outside (0, 1)", "use e.g. 0.99");
      } else if (kind == MetricKind.BINOMIAL) {
        c.error(null, "a binomial metric cannot be capped", "remove cap");
      } else if (kind == MetricKind.QUANTILE) {
        c.error(
            null,
            "a quantile metric is not capped (a quantile below the cap does not move with it)",
            "remove cap");
      } else {
        cap =
            Optional.of(
                new Cap(
                    v.map(OptionalDouble::of).orElse(OptionalDouble.empty()),
                    p.map(OptionalDouble::of).orElse(OptionalDouble.empty())));
      }
    }
    boolean increaseIsGood = m.optionalBoolean("increase_is_good").orElse(true);
    Optional<Double> margin = m.optionalDouble("non_inferiority_margin");
    if (margin.isPresent() && (margin.get() <= 0 || margin.get() >= 1)) {
      m.error(
          "non_inferiority_margin",
          "margin " + margin.get() + " is outside (0, 1)",
          "use a relative margin such as 0.02 (2%)");
    }
    m.finish();
    if (m.problems().errors().size() > before
        || kind == null
        || numerator == null
        || (kind == MetricKind.QUANTILE && quantile.isEmpty())) {
      return null;
    }
    return new MetricDefinition(
        name,
        description,
        kind,
        numerator,
        denominator,
        window,
        cap,
        cuped,
        increaseIsGood,
        margin,
        quantile);
  }

  /**
   * A quantile metric's {@code quantile}, {@code level} and {@code accuracy}; null on a problem.
   */
  private static Quantile quantile(SpecNode m) {
    int before = m.problems().errors().size();
    Optional<Double> level = m.optionalDouble("quantile");
    if (level.isEmpty() && !m.has("quantile")) {
      m.error(
          "quantile",
          "a quantile metric needs the quantile it estimates",
          "add e.g. quantile: 0.5 (the median) or quantile: 0.9");
    } else if (level.isPresent() && !(level.get() > 0 && level.get() < 1)) {
      m.error("quantile", "quantile " + level.get() + " is outside (0, 1)", "use e.g. 0.9");
    }
    Quantile.Of of = m.choice("level", Quantile.Of.byName(), null);
    if (!m.has("level")) {
      m.error(
          "level",
          "a quantile metric needs the values it is taken over",
          "add level: unit (each unit's sum in the window) or level: event (each row's value)");
    }
    Optional<Double> accuracy = m.optionalDouble("accuracy");
    if (accuracy.isPresent() && !(accuracy.get() >= 1e-4 && accuracy.get() <= 0.1)) {
      m.error(
          "accuracy",
          "accuracy " + accuracy.get() + " is outside [0.0001, 0.1]",
          "use e.g. accuracy: 0.005 (every quantile within about 1% of the exact one)");
    }
    if (m.problems().errors().size() > before || level.isEmpty() || of == null) {
      return null;
    }
    return new Quantile(level.get(), of, accuracy.orElse(Quantile.DEFAULT_ACCURACY));
  }

  private static Measure measure(SpecNode m, Set<String> sources, boolean needValue) {
    String source = m.requiredString("source", "the name of a source under 'sources'");
    if (source != null && !sources.contains(source)) {
      m.error(
          "source", "unknown source '" + source + "'", "use one of " + String.join(", ", sources));
    }
    String value =
        needValue
            ? m.requiredString("value", "a Spark SQL expression over the source's columns")
            : m.optionalString("value").orElse("1");
    if (value != null && value.isBlank()) {
      m.error("value", "the value expression is empty", "write a Spark SQL expression");
    }
    Optional<String> filter = m.optionalString("filter");
    if (filter.isPresent() && filter.get().isBlank()) {
      m.error("filter", "the filter is empty", "remove it or write a Spark SQL predicate");
    }
    if (m.path().contains("numerator") || m.path().contains("denominator")) {
      m.finish();
    }
    return source == null || value == null ? null : new Measure(source, value, filter);
  }

  private static Window window(SpecNode m, String field, boolean required) {
    String s = m.optionalString(field).orElse(null);
    if (s == null) {
      if (required && !m.has(field)) {
        m.error(
            field, "missing required field '" + field + "'", "add e.g. " + field + ": '[0d, 7d)'");
      }
      return null;
    }
    Matcher x = WINDOW.matcher(s.trim());
    Duration from = x.matches() ? Window.parseDuration(x.group(1)) : null;
    Duration to = x.matches() ? Window.parseDuration(x.group(2)) : null;
    if (from == null || to == null) {
      m.error(
          field,
          "'" + s + "' is not a window",
          "write a half-open window such as '[0d, 7d)' (units d, h or m)");
      return null;
    }
    if (to.compareTo(from) <= 0) {
      m.error(field, "window " + s + " is empty", "make the end later than the start");
      return null;
    }
    return new Window(from, to);
  }
}
