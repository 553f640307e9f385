package io.assay.io;

import io.assay.config.Conf;
import io.assay.config.ExposureMapping;
import io.assay.config.ExposureSource;
import io.assay.config.MetricSource;
import io.assay.config.Problem;
import io.assay.config.Problems;
import io.assay.config.Source;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;

/**
 * Checks the catalog sources of a configuration ({@code table:} and {@code sql:} in {@code
 * data.logs}, {@code data.population} and the sources of {@code metrics.yaml}), each problem naming
 * the file and the field. Two steps:
 *
 * <ol>
 *   <li>{@link #parse}, before a session starts: a table name is a name and a query is one query
 *       (not a statement, which {@code spark.sql} would execute), with Spark's parser.
 *   <li>{@link #analyze} and friends, with a session: the table exists in the session catalog, the
 *       query analyzes (names resolve, types check; nothing is executed), and the columns the
 *       configuration names exist (the logs' date column also has a usable type).
 * </ol>
 *
 * {@code validate} runs both; every stage command runs both for the sources it reads before it
 * starts its run (exit 2). Sources given as a path are left to {@link LocationCheck} and to the
 * readers. Costs: metastore calls and query analysis on the driver, no Spark job.
 */
public final class SourceCheck {
  /**
   * One configured source.
   *
   * @param field where it is configured ({@code data.logs}, {@code sources.orders})
   * @param columns the columns it must have, each with the field that names it
   * @param dateColumn the column that must hold a date (logs only), or null
   */
  private record Item(
      String file,
      String field,
      Source source,
      Map<String, String> columns,
      String dateColumn,
      ExposureMapping mapping) {
    Item(String file, String field, Source source, Map<String, String> columns, String dateColumn) {
      this(file, field, source, columns, dateColumn, ExposureMapping.IDENTITY);
    }

    /** Whether checking it needs a session: a catalog source, or logs whose columns are mapped. */
    boolean needsSession() {
      return source.isCatalog() || !mapping.isIdentity();
    }
  }

  private SourceCheck() {}

  /** The syntax of every table name and query of {@code conf}; needs no session. */
  public static void parse(Conf conf, Problems problems) {
    ExposureMapping mapping = conf.assay().logs().columns();
    mapping
        .expressions()
        .forEach(
            (field, expression) -> {
              try {
                CatalogTables.requireExpression(expression);
              } catch (IllegalArgumentException e) {
                problems.error(
                    assayFile(conf),
                    "data.logs.columns." + field,
                    "'" + expression + "' is not a Spark SQL expression: " + e.getMessage(),
                    "write one expression over the source's columns, e.g. user_id or"
                        + " to_timestamp(timestamp)");
              }
            });
    for (Item i : items(conf)) {
      if (i.source() instanceof Source.Table t) {
        try {
          CatalogTables.parts(t.name());
        } catch (IllegalArgumentException e) {
          problems.error(
              i.file(),
              i.field() + ".table",
              "'" + t.name() + "' is not a table name: " + e.getMessage(),
              "write DB.NAME (or CATALOG.DB.NAME), back-quoting a part with other characters, e.g."
                  + " `my-db`.orders");
        }
      } else if (i.source() instanceof Source.Query q) {
        try {
          CatalogTables.requireQuery(q.sql());
        } catch (IllegalArgumentException e) {
          problems.error(
              i.file(),
              i.field() + ".sql",
              "the query cannot be used: " + e.getMessage(),
              "write one query (SELECT …, WITH … SELECT …), which assay runs as written");
        }
      }
    }
  }

  /** Whether checking {@code conf} needs a session: a catalog source or an output database. */
  public static boolean needsSession(Conf conf) {
    return conf.assay().outputDatabase().isPresent()
        || items(conf).stream().anyMatch(Item::needsSession);
  }

  /** Every catalog source of {@code conf}. */
  public static List<Problem> analyze(SparkSession spark, Conf conf) {
    List<Problem> out = new ArrayList<>();
    for (Item i : items(conf)) {
      analyze(spark, i, out);
    }
    return out;
  }

  /** The logs a command reads (nothing to check for files). */
  public static List<Problem> logs(SparkSession spark, Conf conf, ExposureSource logs) {
    List<Problem> out = new ArrayList<>();
    analyze(spark, logsItem(conf, logs), out);
    return out;
  }

  /** Every catalog source of {@code metrics.yaml}. */
  public static List<Problem> metricSources(SparkSession spark, Conf conf) {
    List<Problem> out = new ArrayList<>();
    for (MetricSource s : conf.catalog().sources().values()) {
      analyze(spark, metricItem(conf, s), out);
    }
    return out;
  }

  /** The population a command reads (nothing to check for files). */
  public static List<Problem> population(SparkSession spark, Conf conf, Source population) {
    List<Problem> out = new ArrayList<>();
    analyze(spark, new Item(assayFile(conf), "data.population", population, Map.of(), null), out);
    return out;
  }

  private static List<Item> items(Conf conf) {
    List<Item> items = new ArrayList<>();
    items.add(logsItem(conf, conf.assay().logs()));
    items.add(
        new Item(assayFile(conf), "data.population", conf.assay().population(), Map.of(), null));
    for (MetricSource s : conf.catalog().sources().values()) {
      items.add(metricItem(conf, s));
    }
    return items;
  }

  private static Item logsItem(Conf conf, ExposureSource logs) {
    Map<String, String> columns = new LinkedHashMap<>();
    if (logs.columns().isIdentity()) {
      for (String c : ExposureLogs.REQUIRED) {
        columns.put(c, "data.logs." + logs.source().field());
      }
    }
    if (logs.source().isCatalog()) {
      columns.put(logs.dateColumn(), "data.logs.date_column");
    }
    return new Item(
        assayFile(conf),
        "data.logs",
        logs.source(),
        columns,
        logs.source().isCatalog() ? logs.dateColumn() : null,
        logs.columns());
  }

  private static Item metricItem(Conf conf, MetricSource s) {
    String field = "sources." + s.name();
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put(s.unitColumn(), field + ".unit_column");
    columns.putIfAbsent(s.timeColumn(), field + ".time_column");
    return new Item(
        conf.dir().resolve("metrics.yaml").toString(), field, s.source(), columns, null);
  }

  private static String assayFile(Conf conf) {
    return conf.dir().resolve("assay.yaml").toString();
  }

  private static void analyze(SparkSession spark, Item i, List<Problem> out) {
    if (!i.needsSession()) {
      return;
    }
    String at = i.field() + "." + i.source().field();
    Dataset<Row> t;
    if (i.source() instanceof Source.Files f) {
      // Mapped log files: their columns, from the schema (a Delta log or Parquet footers).
      try {
        t = spark.read().format(f.format()).load(f.location().uri());
      } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
        out.add(
            new Problem(
                i.file(),
                at,
                "cannot read the schema of "
                    + f.location()
                    + " to check data.logs.columns: "
                    + CatalogTables.firstLine(e),
                "point data.logs at the logs, in their format"));
        return;
      }
    } else if (i.source() instanceof Source.Table table) {
      if (!CatalogTables.exists(spark, table.name())) {
        out.add(
            new Problem(
                i.file(),
                at,
                "table "
                    + table.name()
                    + " does not exist in the session catalog (spark.sql.catalogImplementation="
                    + spark.conf().get("spark.sql.catalogImplementation", "in-memory")
                    + ")",
                "correct the name, create the table, or point the session at the catalog that"
                    + " holds it (e.g. spark.sql.catalogImplementation=hive and the metastore's"
                    + " settings in conf/spark/spark-defaults.conf)"));
        return;
      }
      t = spark.table(CatalogTables.quoted(table.name()));
    } else {
      String sql = ((Source.Query) i.source()).sql();
      try {
        CatalogTables.requireQuery(sql);
        t = spark.sql(sql); // a query: analyzed here, executed never
      } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
        out.add(
            new Problem(
                i.file(),
                at,
                "the query does not analyze: " + CatalogTables.firstLine(e),
                "correct the query; a table it reads must exist in the session catalog"));
        return;
      }
    }
    for (String field : ExposureMapping.FIELDS) {
      if (i.mapping().maps(field)) {
        ExposureLogs.mappingProblem(t, i.mapping(), field)
            .ifPresent(p -> out.add(new Problem(i.file(), p.path(), p.message(), p.fix())));
      }
    }
    List<String> have = Arrays.asList(t.columns());
    for (Map.Entry<String, String> c : i.columns().entrySet()) {
      if (!have.contains(c.getKey())) {
        out.add(
            new Problem(
                i.file(),
                c.getValue(),
                i.source().describe()
                    + " has no column '"
                    + c.getKey()
                    + "' (columns: "
                    + have
                    + ")",
                "name one of its columns, or add the column to the "
                    + (i.source() instanceof Source.Query ? "query" : "table")));
      }
    }
    if (i.dateColumn() != null && have.contains(i.dateColumn())) {
      DataType type = t.schema().apply(i.dateColumn()).dataType();
      if (!ExposureLogs.isDateType(type)) {
        out.add(
            new Problem(
                i.file(),
                "data.logs.date_column",
                "column '"
                    + i.dateColumn()
                    + "' of "
                    + i.source().describe()
                    + " is "
                    + type.sql()
                    + "; expected "
                    + ExposureLogs.DATE_TYPE_NAMES,
                "name a DATE column, or derive one in a query (sql: SELECT *, to_date(ts) AS"
                    + " event_date FROM …)"));
      }
    }
  }
}
