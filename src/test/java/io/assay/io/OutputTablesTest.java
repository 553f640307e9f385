package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The output tables are declared once: docs/schema.md documents exactly the declared columns of
 * each table; a write that does not match its declaration fails naming the column; a read of a
 * table holding a declared column with another type fails naming it and the fix.
 */
@SparkTest
class OutputTablesTest {
  private static final Pattern SECTION = Pattern.compile("^## (\\w+) — ");
  private static final Pattern ROW = Pattern.compile("^\\| ((?:`[^`]+`(?:, )?)+) \\|");
  private static final Pattern NAME = Pattern.compile("`([^`]+)`");

  /** docs/schema.md's columns per table section: the first table of each section. */
  static Map<String, List<String>> documented() throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String table = null;
    for (String line : Files.readAllLines(Path.of("docs/schema.md"))) {
      Matcher s = SECTION.matcher(line);
      if (line.startsWith("## ")) {
        table = s.find() ? s.group(1) : null;
        continue;
      }
      if (table != null && out.containsKey(table) && !line.startsWith("|")) {
        table = null; // the section's column table has ended
        continue;
      }
      Matcher r = ROW.matcher(line);
      if (table != null && r.find()) {
        Matcher n = NAME.matcher(r.group(1));
        while (n.find()) {
          out.computeIfAbsent(table, k -> new ArrayList<>()).add(n.group(1));
        }
      }
    }
    return out;
  }

  @Test
  void theSchemaDocumentsExactlyTheDeclaredColumns() throws Exception {
    Map<String, List<String>> docs = documented();
    for (OutputTable t : OutputTables.ALL) {
      TreeSet<String> declared = new TreeSet<>(Arrays.asList(t.columns().fieldNames()));
      declared.remove("run_id"); // every table's run_id and schema_version: documented once
      TreeSet<String> documented = new TreeSet<>(docs.getOrDefault(t.name(), List.of()));
      documented.remove("run_id");
      documented.remove("schema_version");
      assertEquals(declared, documented, t.name() + " in docs/schema.md");
    }
    assertEquals(
        new TreeSet<>(OutputTables.ALL.stream().map(OutputTable::name).toList()),
        new TreeSet<>(docs.keySet()),
        "tables documented in docs/schema.md");
  }

  private static final OutputTable T =
      OutputTable.byDate("t", "date DATE, n BIGINT, m MAP<STRING, STRING>");

  @Test
  void aWriteIsConformedToTheDeclaredOrderAndAMismatchIsRefused(SparkSession spark) {
    Dataset<Row> reordered =
        spark.sql("SELECT map('a', 'b') AS m, 3L AS n, DATE'2026-11-02' AS date");
    assertEquals(List.of("date", "n", "m"), Arrays.asList(T.conform(reordered).columns()));
    for (String[] bad :
        new String[][] {
          {"SELECT DATE'2026-11-02' AS date, 3L AS n", "missing column m"},
          {
            "SELECT DATE'2026-11-02' AS date, 3 AS n, map('a', 'b') AS m",
            "column n is int, declared bigint"
          },
          {
            "SELECT DATE'2026-11-02' AS date, 3L AS n, map('a', 'b') AS m, 1 AS extra",
            "undeclared column extra"
          }
        }) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> T.conform(spark.sql(bad[0])));
      assertTrue(e.getMessage().contains("rows written to t"), e.getMessage());
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }

  @Test
  void aStoredTableWithADeclaredColumnOfAnotherTypeIsAnInputProblemNamingIt(SparkSession spark) {
    Dataset<Row> retyped = spark.sql("SELECT DATE'2026-11-02' AS date, 'three' AS n, map() AS m");
    InputProblem p = assertThrows(InputProblem.class, () -> T.read(retyped, "s3a://b/out/t"));
    assertTrue(p.getMessage().contains("t.n is string, declared bigint"), p.getMessage());
    assertTrue(p.getMessage().contains("rerun the stage that writes t"), p.getMessage());
    assertTrue(p.getMessage().contains("s3a://b/out/t"), p.getMessage());
    // Fewer columns are read as they are: a reader selects what it uses.
    Dataset<Row> fewer = spark.sql("SELECT DATE'2026-11-02' AS date, 3L AS n");
    assertEquals(List.of("date", "n"), Arrays.asList(T.read(fewer, "t").columns()));
  }

  @Test
  void everyTableIsWrittenThroughItsDeclaration(SparkSession spark) throws Exception {
    // Columns in another order are written in the declared order, partitioned as declared, and
    // read back through the declaration.
    Path root = Fixtures.tempDir("declared-");
    RunContext ctx =
        RunContext.of(
            io.assay.pipeline.Definitions.load(io.assay.testing.TestConf.PROJECT_CONF),
            "r1",
            io.assay.config.Location.local(root),
            java.util.Optional.empty());
    OutputTable t = OutputTables.INGEST_SUMMARY;
    Dataset<Row> rows =
        spark.sql(
            "SELECT 5L AS quarantined_rows, 1L AS duplicate_rows, 2L AS accepted_rows,"
                + " 8L AS input_rows, DATE'2026-11-02' AS date");
    java.time.LocalDate d = java.time.LocalDate.parse("2026-11-02");
    Outputs.replaceDates(ctx, t, rows, d, d, null);
    Dataset<Row> back = Inputs.upstream(spark, ctx, t);
    assertEquals(
        List.of(
            "date",
            "input_rows",
            "accepted_rows",
            "duplicate_rows",
            "quarantined_rows",
            "run_id",
            "schema_version"),
        Arrays.asList(back.columns()));
    assertTrue(Files.isDirectory(root.resolve("ingest_summary/date=2026-11-02")));
    StructType s = back.schema();
    assertEquals("bigint", s.apply("input_rows").dataType().simpleString());
  }
}
