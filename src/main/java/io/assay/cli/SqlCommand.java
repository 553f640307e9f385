package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.Location;
import io.assay.io.SparkSessions;
import io.assay.io.Storage;
import io.assay.io.Tables;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code assay sql}: ad-hoc Spark SQL over the output tables, registered as views by name. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a Spark SQL query over the output tables (each registered as a view by its name).",
      "Read-only: statements that write (INSERT, CREATE, MERGE, SET …) are usage errors (exit 2).",
      "Example: assay sql \"SELECT experiment, category, sum(exposures) FROM"
          + " reconciliation_summary GROUP BY 1, 2\""
    })
public final class SqlCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUERY", description = "A Spark SQL query.")
  String query;

  @Option(
      names = "--out",
      paramLabel = "ROOT",
      description = "Output root, a path or a Hadoop URI (default: output.root).")
  Location out;

  @Option(names = "--csv", description = "Print CSV with a header line.")
  boolean csv;

  @Option(names = "--json", description = "Print one JSON object per row.")
  boolean json;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Print at most N rows (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (csv && json) {
      throw new UsageProblem("give at most one of --csv and --json");
    }
    Conf c = Definitions.load(conf.dir());
    Location root = out != null ? out : c.assay().outputRoot();
    SparkSession spark = SparkSessions.getOrCreate("assay-sql", "local[*]", Map.of());
    List<String> views = registerViews(spark, root);
    if (views.isEmpty()) {
      throw new io.assay.io.InputProblem(
          root.toString(), "no output tables here; run a stage first");
    }
    readOnly(spark, query);
    Dataset<Row> result;
    try {
      result = spark.sql(query);
    } catch (Exception e) { // Spark's AnalysisException/ParseException are checked in Java's eyes
      throw new UsageProblem(
          "the query failed: "
              + firstLine(e.getMessage())
              + " (tables: "
              + String.join(", ", views)
              + ")");
    }
    PrintWriter o = spec.commandLine().getOut();
    List<Row> rows = result.limit(limit).collectAsList();
    String[] cols = result.columns();
    if (json) {
      for (String line : result.limit(limit).toJSON().collectAsList()) {
        o.println(line);
      }
    } else if (csv) {
      o.println(String.join(",", cols));
      for (Row r : rows) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < cols.length; i++) {
          cells.add(csvCell(r.isNullAt(i) ? "" : String.valueOf(r.get(i))));
        }
        o.println(String.join(",", cells));
      }
    } else {
      printTable(o, cols, rows);
    }
    o.flush();
    return ExitCodes.OK;
  }

  /**
   * Accepts only statements that read: a query (SELECT, WITH … SELECT, VALUES, TABLE) or DESCRIBE,
   * SHOW and EXPLAIN. {@code sql} does not take the output root's lock, so it must not write
   * anything — no INSERT (INSERT OVERWRITE DIRECTORY included), CREATE, UPDATE, DELETE, MERGE or
   * SET.
   */
  static void readOnly(SparkSession spark, String query) {
    var parser = spark.sessionState().sqlParser();
    try {
      parser.parseQuery(query);
      return;
    } catch (Exception notAQuery) {
      // below
    }
    String statement;
    try {
      statement = parser.parsePlan(query).getClass().getSimpleName();
    } catch (Exception syntax) {
      return; // not valid SQL: spark.sql reports the error with its position
    }
    if (!READ_ONLY_STATEMENT.matcher(statement).matches()) {
      throw new UsageProblem(
          "sql reads only: it runs queries (SELECT, WITH … SELECT, VALUES, TABLE) and DESCRIBE,"
              + " SHOW or EXPLAIN, not statements that write or change settings ("
              + statement
              + "). The output tables are written by the stage commands, which hold the output"
              + " root's lock; to keep a result, print it with --csv or --json and redirect it");
    }
  }

  /** Parsed plans of statements that only read (by class name). */
  private static final java.util.regex.Pattern READ_ONLY_STATEMENT =
      java.util.regex.Pattern.compile("(Describe|Show|Explain)\\w*");

  /** Registers every Delta table directly under {@code root} as a temporary view of its name. */
  public static List<String> registerViews(SparkSession spark, Location root) {
    List<String> names = new ArrayList<>();
    Storage storage = Storage.of(spark);
    if (!storage.isDirectory(root)) {
      return names;
    }
    for (Storage.Entry e : storage.list(root)) {
      Location d = root.resolve(e.name());
      if (e.isDirectory() && Tables.isDelta(spark, d.uri())) {
        spark.read().format("delta").load(d.uri()).createOrReplaceTempView(e.name());
        names.add(e.name());
      }
    }
    return names;
  }

  /** A plain-text table, like Spark's show(), with cells cut at 60 characters. */
  static void printTable(PrintWriter o, String[] cols, List<Row> rows) {
    int[] width = new int[cols.length];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < cols.length; i++) {
      width[i] = cols[i].length();
    }
    for (Row r : rows) {
      String[] line = new String[cols.length];
      for (int i = 0; i < cols.length; i++) {
        String v = r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i));
        line[i] = v.length() > 60 ? v.substring(0, 57) + "..." : v;
        width[i] = Math.max(width[i], line[i].length());
      }
      cells.add(line);
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : width) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    o.println(rule);
    o.println(line(cols, width));
    o.println(rule);
    for (String[] line : cells) {
      o.println(line(line, width));
    }
    o.println(rule);
    o.println(rows.size() + " row(s)");
  }

  private static String line(String[] values, int[] width) {
    StringBuilder b = new StringBuilder("|");
    for (int i = 0; i < values.length; i++) {
      b.append(' ')
          .append(values[i])
          .append(" ".repeat(width[i] - values[i].length()))
          .append(" |");
    }
    return b.toString();
  }

  private static String csvCell(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
