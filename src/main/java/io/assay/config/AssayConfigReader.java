package io.assay.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code conf/assay.yaml}. */
final class AssayConfigReader {
  /** A database name: an identifier, optionally qualified by a catalog (Unity Catalog). */
  private static final Pattern DATABASE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private static final Map<String, String> LOG_FORMATS = formats("json", "parquet", "delta");

  private static final Map<String, String> EXAMPLES =
      Map.of(
          "ts", "to_timestamp(timestamp)",
          "unit_id", "user_id",
          "experiment", "experiment_id",
          "arm", "variation_id");

  private AssayConfigReader() {}

  /**
   * {@code data.logs}: text is a path (with {@code data.logs_format}); a mapping is one of {@code
   * {path, format}}, {@code {table, date_column}} and {@code {sql, date_column}}.
   */
  private static ExposureSource logs(SpecNode data, Location dataRoot) {
    String format = data.choice("logs_format", LOG_FORMATS, "json");
    ExposureSource dflt = ExposureSource.files(dataRoot.resolve("logs"), format);
    if (!data.isObject("logs")) {
      String text = data.optionalString("logs").orElse("logs");
      return ExposureSource.files(location(data, "logs", text, dataRoot), format);
    }
    if (data.has("logs_format")) {
      data.error(
          "logs_format",
          "logs_format applies to data.logs given as a path, and data.logs is a mapping",
          "write format: inside data.logs (path), or remove logs_format (table, sql)");
    }
    SpecNode l = data.object("logs", false, "{table: DB.NAME, date_column: COLUMN}");
    Source source = SourceReader.read(l, dataRoot, LOG_FORMATS, "json");
    String dateColumn = ExposureSource.PARTITION_COLUMN;
    if (source instanceof Source.Files) {
      if (l.has("date_column")) {
        l.error(
            "date_column",
            "log files are partitioned in date=YYYY-MM-DD directories, so their date column is"
                + " date",
            "remove date_column (it is for table and sql logs)");
      }
    } else {
      dateColumn =
          MetricCatalogReader.column(
              l, "date_column", "the column holding each row's date (DATE, or text YYYY-MM-DD)");
    }
    ExposureMapping columns = columns(l, source);
    l.finish();
    return source == null || dateColumn == null
        ? dflt
        : new ExposureSource(source, dateColumn, columns);
  }

  /**
   * {@code data.logs.columns}: each exposure field as a Spark SQL expression over the source's
   * columns ({@code attributes} also as a list of column names). Typed sources only: JSON files are
   * read in assay's own shape. The expressions' syntax is checked with Spark's parser before a
   * session starts, their meaning on the session ({@code io.assay.io.SourceCheck}).
   */
  private static ExposureMapping columns(SpecNode l, Source source) {
    if (!l.has("columns")) {
      return ExposureMapping.IDENTITY;
    }
    if (source instanceof Source.Files f && "json".equals(f.format())) {
      l.error(
          "columns",
          "columns maps the columns of typed logs (Parquet, Delta, a table or a query), and these"
              + " logs are JSON files, which are read in assay's own shape",
          "give format: parquet or delta, or read the JSON through a query: sql: \"SELECT * FROM"
              + " json.`PATH`\" with date_column: date");
      return ExposureMapping.IDENTITY;
    }
    SpecNode c =
        l.object("columns", false, "{unit_id: user_id, arm: variation_id, ts: timestamp, ...}");
    if (c == null) {
      return ExposureMapping.IDENTITY;
    }
    Map<String, String> expressions = new LinkedHashMap<>();
    List<String> attributeColumns = new ArrayList<>();
    for (String field : ExposureMapping.FIELDS) {
      if (!c.has(field)) {
        continue;
      }
      if (field.equals("attributes") && c.isList(field)) {
        attributeColumns.addAll(c.stringList(field, false, "a column name"));
        if (attributeColumns.isEmpty()) {
          c.error(
              field,
              "the list of attribute columns is empty",
              "name the columns that become attributes, or remove attributes");
        }
        continue;
      }
      String e = c.optionalString(field).orElse(null);
      if (e != null && e.isBlank()) {
        c.error(field, "the expression is empty", "write a Spark SQL expression, e.g. a column");
      } else if (e != null) {
        expressions.put(field, e.strip());
      }
    }
    c.finish();
    ExposureMapping m = new ExposureMapping(expressions, attributeColumns);
    if (!m.isIdentity()) {
      for (String required : List.of("ts", "unit_id", "experiment", "arm")) {
        if (!m.maps(required)) {
          c.error(
              required,
              "missing: with data.logs.columns every field comes from the mapping (only event_id"
                  + " and version may be left out: derived from the row, and from its time)",
              "map it, e.g. " + required + ": " + EXAMPLES.get(required));
        }
      }
    }
    return m;
  }

  /** {@code data.population}: text is a path; a mapping is one of path, table and sql. */
  private static Source population(SpecNode data, Location dataRoot) {
    if (!data.isObject("population")) {
      String text = data.optionalString("population").orElse("population");
      return new Source.Files(location(data, "population", text, dataRoot), null);
    }
    SpecNode p = data.object("population", false, "{table: DB.NAME}");
    Source source = SourceReader.read(p, dataRoot, formats("delta", "parquet"), null);
    p.finish();
    return source == null ? new Source.Files(dataRoot.resolve("population"), null) : source;
  }

  static AssayConfig read(YamlNode.Mapping tree, String file, Path baseDir, Problems problems) {
    SpecNode n = new SpecNode(tree, file, "", problems);

    SpecNode data = n.object("data", true, "{root: DIR, logs: DIR, logs_format: json}");
    Location confDir = Location.local(baseDir);
    Location dataRoot = confDir;
    ExposureSource logs = ExposureSource.files(confDir.resolve("logs"), "json");
    Source population = new Source.Files(confDir.resolve("population"), null);
    if (data != null) {
      String root = data.requiredString("root", "the data directory");
      dataRoot = root == null ? confDir : location(data, "root", root, confDir);
      logs = logs(data, dataRoot);
      population = population(data, dataRoot);
      data.finish();
    }

    SpecNode output = n.object("output", true, "{root: DIR}");
    Location outputRoot = confDir.resolve("out");
    Optional<String> database = Optional.empty();
    if (output != null) {
      String root = output.requiredString("root", "the output directory");
      outputRoot = root == null ? outputRoot : location(output, "root", root, confDir);
      database = output.optionalString("database");
      if (database.isPresent() && !DATABASE.matcher(database.get()).matches()) {
        output.error(
            "database",
            "'" + database.get() + "' is not a database name",
            "use letters, digits and _ (e.g. assay), or CATALOG.DATABASE");
        database = Optional.empty();
      }
      output.finish();
    }

    AssayConfig.Reconcile reconcile = new AssayConfig.Reconcile("exclude", 100, 2);
    SpecNode r = n.object("reconcile", false, "reconciliation settings");
    if (r != null) {
      String policy =
          r.choice(
              "multi_arm_policy", formats("exclude", "keep_first"), reconcile.multiArmPolicy());
      int sample = r.optionalInt("mismatch_sample_size").orElse(reconcile.mismatchSampleSize());
      int lookback = r.optionalInt("late_lookback_days").orElse(reconcile.lateLookbackDays());
      if (sample < 0) {
        r.error("mismatch_sample_size", "must not be negative", "use e.g. 100");
      }
      if (lookback < 0) {
        r.error("late_lookback_days", "must not be negative", "use e.g. 2");
      }
      r.finish();
      reconcile = new AssayConfig.Reconcile(policy, sample, lookback);
    }

    AssayConfig.Alerts alerts = new AssayConfig.Alerts(0.001, 0.01, 0.1, 0.02, 5);
    SpecNode a = n.object("alerts", false, "alert thresholds");
    if (a != null) {
      alerts =
          new AssayConfig.Alerts(
              probability(a, "srm_p_value", alerts.srmPValue()),
              probability(a, "mismatch_rate", alerts.mismatchRate()),
              positive(a, "smd", alerts.smd()),
              probability(a, "exposure_share_tolerance", alerts.exposureShareTolerance()),
              positive(a, "min_expected_count", alerts.minExpectedCount()));
      a.finish();
    }

    AssayConfig.Balance balance = AssayConfig.Balance.DEFAULTS;
    SpecNode b = n.object("balance", false, "balance-check settings");
    if (b != null) {
      balance = balance(b);
      b.finish();
    }

    AssayConfig.Privacy privacy =
        new AssayConfig.Privacy(true, "ASSAY_PSEUDONYM_KEY", Optional.empty(), 50);
    SpecNode p = n.object("privacy", false, "privacy settings");
    if (p != null) {
      boolean pseudo = p.optionalBoolean("pseudonymize").orElse(true);
      String keyEnv = p.optionalString("key_env").orElse(privacy.keyEnv());
      Optional<Path> keyFile = p.optionalString("key_file").map(s -> expandHome(baseDir, s));
      int minCell = p.optionalInt("min_cell_size").orElse(privacy.minCellSize());
      if (minCell < 0) {
        p.error("min_cell_size", "must not be negative", "use e.g. 50");
      }
      if (keyFile.isPresent()
          && keyFile
              .get()
              .toAbsolutePath()
              .normalize()
              .startsWith(baseDir.toAbsolutePath().normalize())) {
        p.error(
            "key_file",
            "the pseudonymization key file lies inside the configuration directory",
            "keep the key outside conf/ (and outside version control), or use " + keyEnv);
      }
      p.finish();
      privacy = new AssayConfig.Privacy(pseudo, keyEnv, keyFile, minCell);
    }

    List<Namespace> namespaces = new ArrayList<>();
    Set<String> nsNames = new HashSet<>();
    for (SpecNode ns : n.list("namespaces", false, "[{name: NAME, salt: SALT}]")) {
      if (ns.requireObject("{name: NAME, salt: SALT}") == null) {
        continue;
      }
      String name = ns.requiredString("name", "the namespace name");
      String salt = ns.optionalString("salt").orElse(name);
      ns.finish();
      if (name == null) {
        continue;
      }
      if (!nsNames.add(name)) {
        ns.error("name", "namespace '" + name + "' is declared twice", "declare it once");
      }
      if (salt != null && salt.isEmpty()) {
        ns.error("salt", "salt is empty", "set a non-empty salt");
      }
      namespaces.add(new Namespace(name, salt));
    }

    List<Holdout> holdouts = new ArrayList<>();
    Set<String> hNames = new HashSet<>();
    for (SpecNode h : n.list("holdouts", false, "[{name: NAME, salt: SALT, range: [0, 0.05]}]")) {
      if (h.requireObject("{name: NAME, salt: SALT, range: [0, 0.05]}") == null) {
        continue;
      }
      String name = h.requiredString("name", "the holdout name");
      String salt = h.requiredString("salt", "the holdout's hash salt");
      double[] range = ExperimentReader.readRange(h, "range");
      h.finish();
      if (name != null && !hNames.add(name)) {
        h.error("name", "holdout '" + name + "' is declared twice", "declare it once");
      }
      if (salt != null && salt.isEmpty()) {
        h.error("salt", "salt is empty", "set a non-empty salt");
      }
      if (name != null && salt != null && range != null) {
        holdouts.add(new Holdout(name, salt, range[0], range[1]));
      }
    }
    n.finish();
    return new AssayConfig(
        dataRoot,
        logs,
        population,
        outputRoot,
        database,
        reconcile,
        alerts,
        balance,
        privacy,
        namespaces,
        holdouts);
  }

  /**
   * {@code cross_strata}: {@code true}/{@code false}, or a list of attribute lists such as {@code
   * [[platform, country]]}; {@code max_levels}: a whole number of at least 2.
   */
  private static AssayConfig.Balance balance(SpecNode b) {
    AssayConfig.Balance dflt = AssayConfig.Balance.DEFAULTS;
    boolean crossAll = dflt.crossAllStrata();
    List<List<String>> crossings = new ArrayList<>();
    String shape = "true, or a list of attribute lists such as [[platform, country]]";
    if (b.isBoolean("cross_strata")) {
      crossAll = b.optionalBoolean("cross_strata").orElse(crossAll);
    } else {
      for (SpecNode e : b.list("cross_strata", false, shape)) {
        if (!e.isArray()) {
          e.error(
              null,
              "expected a list of attribute names, found " + e.describe(),
              "write the attributes to cross as a list, e.g. [platform, country]");
          continue;
        }
        List<String> attributes = new ArrayList<>();
        for (SpecNode item : e.items()) {
          String a = item.asString("an attribute name");
          if (a == null) {
            continue;
          }
          if (attributes.contains(a)) {
            e.error(null, "attribute '" + a + "' is listed twice", "list each attribute once");
          }
          attributes.add(a);
        }
        if (attributes.size() < 2) {
          e.error(
              null,
              "a crossing needs at least two attributes, found " + attributes.size(),
              "list two or more strata attributes, e.g. [platform, country], or remove the entry");
        }
        crossings.add(attributes);
      }
    }
    int maxLevels = b.optionalInt("max_levels").orElse(dflt.maxLevels());
    if (maxLevels < 2) {
      b.error("max_levels", "max_levels " + maxLevels + " is below 2", "use e.g. 50");
    }
    return new AssayConfig.Balance(crossAll, crossings, maxLevels);
  }

  private static double probability(SpecNode n, String field, double dflt) {
    double v = n.optionalDouble(field).orElse(dflt);
    if (v <= 0 || v >= 1) {
      n.error(field, field + " " + v + " is outside (0, 1)", "use a fraction such as " + dflt);
    }
    return v;
  }

  private static double positive(SpecNode n, String field, double dflt) {
    double v = n.optionalDouble(field).orElse(dflt);
    if (v <= 0) {
      n.error(field, field + " " + v + " is not positive", "use e.g. " + dflt);
    }
    return v;
  }

  static Map<String, String> formats(String... names) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : names) {
      m.put(s, s);
    }
    return m;
  }

  /**
   * A configured location: a Hadoop URI, or a path resolved against {@code base}. Text that cannot
   * be a location is an error on {@code field} (with the fix), and {@code base} stands in for it so
   * the other fields are still checked.
   */
  static Location location(SpecNode node, String field, String text, Location base) {
    try {
      return Location.parse(text, base);
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      int fix = m.indexOf(". Fix: ");
      node.error(
          field,
          fix < 0 ? m : m.substring(0, fix),
          fix < 0 ? "give a path or a URI such as s3a://BUCKET/PATH" : m.substring(fix + 7));
      return base;
    }
  }

  private static Path expandHome(Path base, String s) {
    if (s.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(s.substring(2));
    }
    return base.resolve(s).normalize();
  }
}
