package io.assay.io;

import io.assay.config.Location;
import io.assay.config.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Every input a stage reads goes through here, so the run log knows it: Delta tables are read at
 * one version — the pinned one when reproducing, else the latest — and that version is recorded;
 * Parquet and JSON files are recorded with a fingerprint of their file list (names and sizes).
 *
 * <p>Catalog sources are recorded under a path of {@code table:NAME} or {@code sql:QUERY}. A Delta
 * table of the catalog is pinned like a Delta path (its version, read from the log at the location
 * the catalog gives, keyed by {@code table:NAME}); another table is recorded with its provider and,
 * when it has a location, a fingerprint of its files; a query is recorded with its text only. A
 * reproduction can pin neither of the last two: it reads them as they are then, and says so.
 */
public final class Inputs {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Inputs.class);

  /** The recorded path of a catalog table: this prefix and the name as configured. */
  public static final String TABLE_PREFIX = "table:";

  /** The recorded path of a query: this prefix and the query text. */
  public static final String SQL_PREFIX = "sql:";

  private Inputs() {}

  /**
   * Reads a source of any kind (files, a catalog table, a query), recording it in the run log;
   * Delta tables, by path or in the catalog, at the pinned or latest version.
   *
   * @param name what the run log calls the input (the source's name in the configuration)
   */
  public static Dataset<Row> source(
      SparkSession spark, RunContext ctx, String name, Source source) {
    if (source instanceof Source.Files f) {
      return table(spark, ctx, name, f.location(), f.format());
    }
    return catalog(spark, name, source, ctx.pins(), ctx.log()::input);
  }

  /**
   * Reads a source without a run to record it in (commands that keep no run log, and checks that
   * read before the run starts): Delta tables at their latest version.
   */
  public static Dataset<Row> source(SparkSession spark, Source source) {
    if (source instanceof Source.Files f) {
      return Tables.read(spark, f.location().uri(), f.format());
    }
    return catalog(spark, source.describe(), source, Map.of(), input -> {});
  }

  /** A catalog table or a query, with what the run log records of it. */
  private static Dataset<Row> catalog(
      SparkSession spark,
      String name,
      Source source,
      Map<String, Long> pins,
      Consumer<RunLog.Input> record) {
    if (source instanceof Source.Query q) {
      try {
        CatalogTables.requireQuery(q.sql());
      } catch (IllegalArgumentException e) {
        throw new InputProblem(q.describe(), e.getMessage());
      }
      Dataset<Row> rows = analyzed(q, () -> spark.sql(q.sql()));
      record.accept(new RunLog.Input(name, SQL_PREFIX + q.sql(), "sql", null, null));
      return rows;
    }
    Source.Table t = (Source.Table) source;
    CatalogTables.Described d =
        CatalogTables.describe(spark, t.name())
            .orElseThrow(
                () ->
                    new InputProblem(
                        t.describe(), "no such table in the session catalog (" + name + ")"));
    String key = TABLE_PREFIX + t.name();
    if (d.isDelta()) {
      long version = pins.containsKey(key) ? pins.get(key) : latestVersion(spark, t, d);
      record.accept(new RunLog.Input(name, key, "delta", version, null));
      return analyzed(
          t,
          () -> spark.read().option("versionAsOf", version).table(CatalogTables.quoted(t.name())));
    }
    String fingerprint = d.location().map(l -> fingerprint(spark, l.uri())).orElse(null);
    String format =
        d.provider().isEmpty() ? d.type().toLowerCase(java.util.Locale.ROOT) : d.provider();
    record.accept(new RunLog.Input(name, key, format, null, fingerprint));
    return analyzed(t, () -> spark.table(CatalogTables.quoted(t.name())));
  }

  /** The frame of a catalog source; a failure to analyze it is an {@link InputProblem}. */
  private static Dataset<Row> analyzed(Source source, Supplier<Dataset<Row>> frame) {
    try {
      return frame.get();
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
      throw new InputProblem(source.describe(), "cannot be read: " + CatalogTables.firstLine(e));
    }
  }

  /**
   * Reads a Delta table at the pinned or latest version, recording the version. {@code path} is a
   * URI or a local path; the run log records (and pins are keyed by) its URI.
   */
  public static Dataset<Row> delta(SparkSession spark, RunContext ctx, String name, String path) {
    return delta(spark, ctx, name, Tables.location(path));
  }

  /** Reads a Delta table at the pinned or latest version, recording the version. */
  public static Dataset<Row> delta(SparkSession spark, RunContext ctx, String name, Location loc) {
    String path = loc.uri();
    LocalReadability.require(path);
    if (!Tables.isDelta(spark, path)) {
      throw new InputProblem(
          loc.toString(),
          Tables.looksDelta(spark, path)
              ? "a _delta_log with no commit ("
                  + name
                  + "): a run died creating it; rerun the"
                  + " stage that writes it"
              : "no Delta table (" + name + ") here");
    }
    long version = ctx.pins().containsKey(path) ? ctx.pins().get(path) : latestVersion(spark, path);
    ctx.log().input(new RunLog.Input(name, path, "delta", version, null));
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /**
   * Reads an upstream output table (an earlier stage's result) by its declaration, checked against
   * it ({@link OutputTable}).
   */
  public static Dataset<Row> upstream(SparkSession spark, RunContext ctx, OutputTable table) {
    Location at = ctx.input(table.name());
    return table.read(delta(spark, ctx, table.name(), at), at.toString());
  }

  /** Whether an upstream output table exists (the stage that writes it has run). */
  public static boolean upstreamExists(SparkSession spark, RunContext ctx, OutputTable table) {
    return Tables.isDelta(spark, ctx.input(table.name()).uri());
  }

  /** Reads a table in the given format ({@code delta} or {@code parquet}), recording it. */
  public static Dataset<Row> table(
      SparkSession spark, RunContext ctx, String name, Location loc, String format) {
    String path = loc.uri();
    LocalReadability.require(path);
    String f = format != null ? format : (Tables.looksDelta(spark, path) ? "delta" : "parquet");
    if (f.equals("delta")) {
      return delta(spark, ctx, name, loc);
    }
    if (!Storage.of(spark).exists(loc)) {
      throw new InputProblem(loc.toString(), "no such table or directory");
    }
    Dataset<Row> t = spark.read().format(f).load(path);
    files(spark, ctx, name, f, List.of(path));
    return t;
  }

  /** Records file inputs (not Delta) with a fingerprint of their listing. */
  public static void files(
      SparkSession spark, RunContext ctx, String name, String format, List<String> paths) {
    for (String given : paths) {
      String p = Tables.location(given).uri();
      LocalReadability.require(p);
      ctx.log().input(new RunLog.Input(name, p, format, null, fingerprint(spark, p)));
    }
  }

  /**
   * The latest version of a catalog Delta table: a listing of its log at the location the catalog
   * gives (no Spark job); where that listing is refused or there is no location (a catalog such as
   * Unity Catalog may grant reads of a table but not listings of its directory), its history by
   * name, through the catalog (a small job over the Delta log, not over the table's rows).
   */
  static long latestVersion(SparkSession spark, Source.Table t, CatalogTables.Described d) {
    if (d.location().isPresent()) {
      try {
        return latestVersion(spark, d.location().get().uri());
      } catch (RuntimeException e) {
        LOG.info(
            "{}: cannot list the Delta log at {} ({}); reading its version from its history",
            t.describe(),
            d.location().get(),
            CatalogTables.firstLine(e));
      }
    }
    return analyzed(
            t, () -> spark.sql("DESCRIBE HISTORY " + CatalogTables.quoted(t.name()) + " LIMIT 1"))
        .select("version")
        .first()
        .getLong(0);
  }

  /**
   * The latest version of a Delta table: the highest commit file in {@code _delta_log} (every
   * version has one; log cleanup only removes old ones). A listing, not a Spark job.
   */
  public static long latestVersion(SparkSession spark, String path) {
    try {
      Location table = Tables.location(path);
      org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(table.uri(), "_delta_log");
      FileSystem fs = Storage.of(spark).fileSystem(table);
      long latest = latestCommit(fs, log);
      if (latest < 0) {
        throw new InputProblem(path, "no Delta commit in _delta_log");
      }
      return latest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the Delta log of " + path, e);
    }
  }

  /**
   * The latest version of every Delta table directly under {@code root}, by directory name (names
   * starting with {@code _} or {@code .} are not tables: locks, scratch roots). A listing per
   * table, no Spark job; empty when {@code root} does not exist yet.
   */
  public static java.util.Map<String, Long> versionsUnder(SparkSession spark, String root) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try {
      Location at = Tables.location(root);
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(at.uri());
      FileSystem fs = Storage.of(spark).fileSystem(at);
      if (!fs.exists(dir)) {
        return out;
      }
      for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (!s.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        long v = latestCommit(fs, new org.apache.hadoop.fs.Path(s.getPath(), "_delta_log"));
        if (v >= 0) {
          out.put(name, v);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the output root " + root, e);
    }
  }

  /** The highest commit number in a {@code _delta_log} directory, or -1 (none, or no log). */
  private static long latestCommit(FileSystem fs, org.apache.hadoop.fs.Path log)
      throws IOException {
    if (!fs.exists(log)) {
      return -1;
    }
    long latest = -1;
    for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(log)) {
      String name = s.getPath().getName();
      if (name.matches("\\d{20}\\.json")) {
        latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
      }
    }
    return latest;
  }

  /** {@code files=N;bytes=B;sha256=…} over the sorted (relative path, size) list. */
  public static String fingerprint(SparkSession spark, String path) {
    try {
      Location at = Tables.location(path);
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(at.uri());
      FileSystem fs = Storage.of(spark).fileSystem(at);
      if (!fs.exists(root)) {
        return "missing";
      }
      List<String> entries = new ArrayList<>();
      long bytes = 0;
      String prefix = fs.makeQualified(root).toString();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus s = it.next();
        String rel =
            s.getPath()
                .toString()
                .substring(Math.min(prefix.length(), s.getPath().toString().length()));
        if (rel.contains("/.") || rel.contains("/_") || rel.startsWith(".")) {
          continue; // checksums and markers
        }
        entries.add(rel + "\t" + s.getLen());
        bytes += s.getLen();
      }
      entries.sort(null);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String e : entries) {
        md.update((e + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return "files="
          + entries.size()
          + ";bytes="
          + bytes
          + ";sha256="
          + HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
