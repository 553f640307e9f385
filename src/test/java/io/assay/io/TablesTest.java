package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A run killed while creating an output table leaves a {@code _delta_log} directory without a
 * commit (and perhaps data files no commit names). That is not a table: the next run's writes
 * create it afresh, and a reader is told what happened.
 */
@SparkTest
class TablesTest {

  /** The state a SIGKILL before the first commit leaves: an empty log and an orphan data file. */
  static Path killedCreation(SparkSession spark, Path root, String name) throws Exception {
    Path t = root.resolve(name);
    Files.createDirectories(t.resolve("_delta_log"));
    Path orphan = Fixtures.tempDir("orphan-");
    Fixtures.rows(spark, "k STRING, v BIGINT", new Object[] {"orphan", 99L})
        .coalesce(1)
        .write()
        .mode("overwrite")
        .parquet(orphan.toString());
    try (var files = Files.list(orphan)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        Files.copy(f, t.resolve("part-00000-orphan.snappy.parquet"));
      }
    }
    return t;
  }

  @Test
  void aLogWithoutACommitIsNoTable(SparkSession spark) throws Exception {
    Path root = Fixtures.tempDir("tables-");
    assertFalse(Tables.isDelta(spark, root.resolve("missing").toString()));
    Path t = killedCreation(spark, root, "t");
    assertFalse(Tables.isDelta(spark, t.toString()));
    assertTrue(Tables.looksDelta(spark, t.toString()));
    assertFalse(Tables.isDelta(spark, "file:" + t), "a file: URI is the same path");
    assertTrue(Tables.looksDelta(spark, "file:" + t));
    RunContext ctx =
        RunContext.of(null, "r1", io.assay.config.Location.local(root), Optional.empty());
    InputProblem p = assertThrows(InputProblem.class, () -> Inputs.delta(spark, ctx, "t", "" + t));
    assertTrue(p.getMessage().contains("no commit"), p.getMessage());
    assertTrue(p.getMessage().contains(t.toString()), p.getMessage());
  }

  @Test
  void aMergeAfterAKilledCreationCreatesTheTable(SparkSession spark) throws Exception {
    Path root = Fixtures.tempDir("tables-merge-");
    Path t = killedCreation(spark, root, "enrollments");
    RunContext ctx =
        RunContext.of(
            io.assay.pipeline.Definitions.load(io.assay.testing.TestConf.PROJECT_CONF),
            "r1",
            io.assay.config.Location.local(root),
            Optional.empty());
    OutputTable kv =
        new OutputTable(
            "enrollments",
            org.apache.spark.sql.types.StructType.fromDDL("k STRING, v BIGINT"),
            List.of());
    Outputs.merge(
        ctx,
        kv,
        Fixtures.rows(spark, "k STRING, v BIGINT", new Object[] {"a", 1L}, new Object[] {"b", 2L}),
        List.of("k"));
    assertTrue(Tables.isDelta(spark, t.toString()));
    Outputs.merge(
        ctx,
        kv,
        Fixtures.rows(spark, "k STRING, v BIGINT", new Object[] {"b", 3L}, new Object[] {"c", 4L}),
        List.of("k"));
    assertEquals(
        List.of("a=1", "b=3", "c=4"),
        rows(spark.read().format("delta").load(t.toString()).select("k", "v").orderBy("k")));
  }

  @Test
  void aDateReplaceAfterAKilledCreationCreatesAPartitionedTable(SparkSession spark)
      throws Exception {
    Path root = Fixtures.tempDir("tables-dates-");
    Path t = killedCreation(spark, root, "daily");
    Dataset<Row> day =
        spark.sql("SELECT DATE'2026-11-02' AS date, 'a' AS k, 1L AS v").toDF("date", "k", "v");
    DeltaTables.replaceDates(
        day,
        io.assay.config.Location.local(t),
        LocalDate.parse("2026-11-02"),
        LocalDate.parse("2026-11-02"),
        null);
    assertEquals(List.of("a=1"), rows(spark.read().format("delta").load("" + t).select("k", "v")));
    assertTrue(Files.isDirectory(t.resolve("date=2026-11-02")), "partitioned by date");
  }

  /**
   * An output root written by an earlier assay lacks the columns a newer one adds (as {@code
   * metric_results} gained the adjusted estimates): replacing a date adds them, and the other
   * dates' rows read them as null.
   */
  @Test
  void aDateReplaceAddsNewColumnsToAnOlderTable(SparkSession spark) {
    Path t = Fixtures.tempDir("tables-columns-").resolve("results");
    DeltaTables.replaceDates(
        spark.sql("SELECT DATE'2026-11-01' AS date, 'a' AS k"),
        io.assay.config.Location.local(t),
        LocalDate.parse("2026-11-01"),
        LocalDate.parse("2026-11-01"),
        null);
    DeltaTables.replaceDates(
        spark.sql("SELECT DATE'2026-11-02' AS date, 'b' AS k, 2L AS added"),
        io.assay.config.Location.local(t),
        LocalDate.parse("2026-11-02"),
        LocalDate.parse("2026-11-02"),
        null);
    assertEquals(
        List.of("a=null", "b=2"),
        rows(spark.read().format("delta").load("" + t).select("k", "added").orderBy("k")));
  }

  static List<String> rows(Dataset<Row> d) {
    return d.collectAsList().stream().map(r -> r.get(0) + "=" + r.get(1)).toList();
  }
}
