package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Sources in assay.yaml and metrics.yaml: a path (with a format), a catalog table or a SQL query,
 * exactly one of them; the logs' date column; {@code output.database}. Every mistake is an error
 * naming the file and the field; a table name or query that does not parse stops every command
 * before Spark starts (exit 2).
 */
class SourceFieldsTest {
  /** A copy of conf/ with each {@code from} of {@code file} replaced by its {@code to}. */
  private static Path confWith(String file, String... fromTo) {
    Path conf = TestConf.copy();
    for (int i = 0; i < fromTo.length; i += 2) {
      TestConf.edit(conf.resolve(file), fromTo[i], fromTo[i + 1]);
    }
    return conf;
  }

  private static final String ORDERS = "    path: orders\n    format: delta\n";
  private static final String LOGS =
      "  logs: logs                  # raw exposure logs, partitioned by date=YYYY-MM-DD\n"
          + "  logs_format: json           # json | parquet | delta\n";

  /** The one error of loading {@code conf}, rendered. */
  private static String error(Path conf) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    assertEquals(1, e.errors().size(), e.getMessage());
    return e.errors().get(0).render();
  }

  @Test
  void aMetricSourceIsAPathATableOrAQuery() throws IOException {
    Path conf =
        confWith(
            "metrics.yaml",
            ORDERS,
            "    table: lake.orders\n",
            "    path: sessions\n    format: parquet\n",
            "    sql: \"SELECT unit_id, ts FROM lake.sessions WHERE ts IS NOT NULL\"\n");
    MetricCatalog c = ConfigLoader.load(conf).catalog();
    assertEquals(
        new MetricSource("orders", new Source.Table("lake.orders"), "unit_id", "ts"),
        c.sources().get("orders"));
    assertEquals(
        new Source.Query("SELECT unit_id, ts FROM lake.sessions WHERE ts IS NOT NULL"),
        c.sources().get("sessions").source());
    Location dataRoot = Location.local(conf.resolve("../data/demo"));
    assertEquals(
        new Source.Files(dataRoot.resolve("page_views"), "parquet"),
        c.sources().get("page_views").source());
    assertEquals("table lake.orders", c.sources().get("orders").source().describe());
  }

  @Test
  void logsAndPopulationMayBeATableOrAQueryAndOutputsMayHaveADatabase() throws IOException {
    Path conf =
        confWith(
            "assay.yaml",
            LOGS,
            "  logs: {table: lake.exposures, date_column: event_date}\n",
            "  population: population      #",
            "  population: {sql: 'SELECT * FROM lake.users'}   #",
            "  root: ../data/demo/out      #",
            "  root: ../data/demo/out\n  database: analytics   #");
    AssayConfig site = ConfigLoader.load(conf).assay();
    assertEquals(new ExposureSource(new Source.Table("lake.exposures"), "event_date"), site.logs());
    assertEquals(new Source.Query("SELECT * FROM lake.users"), site.population());
    assertEquals(Optional.of("analytics"), site.outputDatabase());

    // Logs as a mapping with a path: the files form, partitioned by date=.
    Path files = confWith("assay.yaml", LOGS, "  logs: {path: raw, format: parquet}\n");
    assertEquals(
        ExposureSource.files(Location.local(files.resolve("../data/demo/raw")), "parquet"),
        ConfigLoader.load(files).assay().logs());
    assertEquals("date", ConfigLoader.load(files).assay().logs().dateColumn());
    // Without output.database nothing is registered.
    assertEquals(Optional.empty(), ConfigLoader.load(TestConf.copy()).assay().outputDatabase());
  }

  @Test
  void everyMistakeInASourceIsAnErrorNamingTheFileAndTheField() throws IOException {
    record Case(String file, String from, String to, String expected) {}
    for (Case c :
        List.of(
            new Case(
                "metrics.yaml",
                ORDERS,
                ORDERS + "    table: lake.orders\n",
                "metrics.yaml: sources.orders.table: 'path' and 'table' are both set; a source is"
                    + " exactly one of path, table and sql. Fix: keep one of them"),
            new Case(
                "metrics.yaml",
                ORDERS,
                "",
                "metrics.yaml: sources.orders: no source: give exactly one of path, table and sql."
                    + " Fix: add path: DIR (relative to data.root, with format: delta|parquet),"
                    + " table: DB.NAME (a table of the session catalog) or sql: SELECT …"),
            new Case(
                "metrics.yaml",
                ORDERS,
                "    table: lake.orders\n    format: delta\n",
                "metrics.yaml: sources.orders.format: format applies to a path; a table source is"
                    + " read through the session catalog. Fix: remove format"),
            new Case(
                "metrics.yaml",
                ORDERS,
                "    sql: '  '\n",
                "metrics.yaml: sources.orders.sql: the sql is empty. Fix: write a Spark SQL query"
                    + " such as SELECT * FROM lake.orders"),
            new Case(
                "assay.yaml",
                LOGS,
                "  logs: {table: lake.exposures}\n",
                "assay.yaml: data.logs.date_column: missing required field 'date_column'. Fix: add"
                    + " the column holding each row's date (DATE, or text YYYY-MM-DD)"),
            new Case(
                "assay.yaml",
                LOGS,
                "  logs: {path: logs, date_column: day}\n",
                "assay.yaml: data.logs.date_column: log files are partitioned in date=YYYY-MM-DD"
                    + " directories, so their date column is date. Fix: remove date_column (it is"
                    + " for table and sql logs)"),
            new Case(
                "assay.yaml",
                LOGS,
                "  logs: {sql: 'SELECT * FROM x', date_column: d}\n  logs_format: json\n",
                "assay.yaml: data.logs_format: logs_format applies to data.logs given as a path,"
                    + " and data.logs is a mapping. Fix: write format: inside data.logs (path), or"
                    + " remove logs_format (table, sql)"),
            new Case(
                "assay.yaml",
                "  root: ../data/demo/out      #",
                "  root: ../data/demo/out\n  database: my-db   #",
                "assay.yaml: output.database: 'my-db' is not a database name. Fix: use letters,"
                    + " digits and _ (e.g. assay), or CATALOG.DATABASE"))) {
      Path conf = confWith(c.file(), c.from(), c.to());
      assertEquals(conf + "/" + c.expected(), error(conf), c.to());
    }
  }

  @Test
  void aTableNameOrAQueryThatDoesNotParseStopsEveryCommandBeforeSparkStarts() throws IOException {
    record Case(String source, String expected) {}
    for (Case c :
        List.of(
            new Case(
                "    table: lake orders\n",
                "sources.orders.table: 'lake orders' is not a table name: "),
            new Case(
                "    sql: SELEC unit_id FROM lake.orders\n",
                "sources.orders.sql: the query cannot be used: it is not valid Spark SQL: "),
            new Case(
                "    sql: DROP TABLE lake.orders\n",
                "sources.orders.sql: the query cannot be used: it is a statement (DropTable), not"
                    + " a query; a source only reads. Fix: write one query (SELECT …, WITH …"
                    + " SELECT …), which assay runs as written"),
            new Case(
                "    sql: SELECT * FROM lake.orders; DROP TABLE lake.orders\n",
                "sources.orders.sql: the query cannot be used: it is not valid Spark SQL: "))) {
      Path conf = confWith("metrics.yaml", ORDERS, c.source());
      String expected = "error: " + conf.resolve("metrics.yaml") + ": " + c.expected();
      // validate, and a stage command (each loads the definitions the same way).
      for (List<String> command :
          List.of(List.of("validate"), List.of("reconcile", "--date", "2026-11-02"))) {
        List<String> args = new java.util.ArrayList<>(command);
        args.addAll(List.of("--conf", conf.toString()));
        Ran r = Commands.run(args);
        assertEquals(2, r.code(), command + ": " + r.text());
        assertTrue(r.text().contains(expected), command + ": " + r.text());
        assertTrue(r.text().contains("nothing was run"), r.text());
      }
    }
  }
}
