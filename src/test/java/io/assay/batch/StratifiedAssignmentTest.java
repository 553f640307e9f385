package io.assay.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.BlockDesign;
import io.assay.assignment.NativeHash;
import io.assay.cli.Main;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.testing.Commands;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Stratified permuted-block assignment: every row accounted for, each stratum within one block of
 * its weights, complete blocks exactly balanced, the unit order and slot permutation exactly those
 * the pure-Java {@link BlockDesign} defines, and reruns identical.
 */
@SparkTest
class StratifiedAssignmentTest {
  static Path confDir;
  static ExperimentDefinition def;

  @BeforeAll
  static void definition() throws Exception {
    confDir = TestConf.copy();
    Files.delete(confDir.resolve(DefinitionLock.FILE_NAME));
    TestConf.write(
        confDir,
        "experiments/email_campaign/1.0.0.yaml",
        """
        key: email_campaign
        version: 1.0.0
        owner: crm
        hypothesis: A personalised subject line raises conversion
        salt: email_campaign
        start: 2026-11-01T00:00:00Z
        end: 2026-11-15T00:00:00Z
        arms:
          - {key: control, weight: 0.2}
          - {key: short, weight: 0.3}
          - {key: personal, weight: 0.5}
        control: control
        eligibility: {attribute: country, not_in: [DE]}
        strata: [platform, country]
        metrics: {primary: [conversion]}
        """);
    Conf c = ConfigLoader.load(confDir);
    def = c.resolve("email_campaign");
  }

  /** 20,000 rows over 4 platforms × 4 countries, with duplicates, null and empty ids. */
  static Dataset<Row> population(SparkSession spark) {
    List<Object[]> rows = new ArrayList<>();
    String[] platforms = {"ios", "android", "web", "tv"};
    String[] countries = {"US", "GB", "DE", "BR"};
    for (int i = 0; i < 20_000; i++) {
      String id = i % 1000 == 7 ? null : i % 1000 == 8 ? "" : "user-" + i;
      // Strata of very different sizes, so many end with a partial block.
      String platform = platforms[(i * 7 + i / 3) % 4 == 3 && i % 5 != 0 ? 0 : (i * 7 + i / 3) % 4];
      rows.add(new Object[] {id, platform, countries[(i / 4) % 4], (long) i});
    }
    for (int i = 0; i < 150; i++) { // 150 duplicated unit ids with different attributes
      rows.add(new Object[] {"user-" + (i * 13), "web", "US", -1L});
    }
    return Fixtures.rows(
        spark,
        "unit_id STRING, platform STRING, country STRING, n BIGINT",
        rows.toArray(Object[][]::new));
  }

  @Test
  void blocksAreBalancedAndMatchTheJavaDefinition(SparkSession spark) {
    Dataset<Row> pop = population(spark);
    Dataset<Row> out = StratifiedAssignment.assign(pop, def, "unit_id", "test population");
    List<Row> rows = out.collectAsList(); // 20k rows: fine for a test
    assertEquals(pop.count(), rows.size(), "every input row has one output row");

    Map<String, Long> byStatus = new HashMap<>();
    rows.forEach(r -> byStatus.merge(r.getAs("status"), 1L, Long::sum));
    assertEquals(40L, byStatus.get("invalid_unit")); // ids null or empty at i % 1000 in {7, 8}
    assertEquals(150L, byStatus.get("duplicate"));
    long de = rows.stream().filter(r -> "not_eligible".equals(r.getAs("status"))).count();
    assertTrue(de > 4000, "DE rows are not eligible: " + de);

    int b = BlockDesign.blockSize(def.weights());
    assertEquals(10, b);
    Map<String, List<Row>> strata = new HashMap<>();
    for (Row r : rows) {
      if ("assigned".equals(r.getAs("status"))) {
        strata.computeIfAbsent(r.getAs("stratum"), k -> new ArrayList<>()).add(r);
      }
    }
    assertEquals(12, strata.size(), strata.keySet().toString()); // DE excluded
    for (var e : strata.entrySet()) {
      List<Row> units = new ArrayList<>(e.getValue());
      // The Java order: native hash under the salt (signed), then unit id.
      units.sort(
          Comparator.comparingLong((Row r) -> NativeHash.hash64(def.salt(), r.getAs("unit_id")))
              .thenComparing(r -> (String) r.getAs("unit_id")));
      int[] counts = new int[3];
      for (int i = 0; i < units.size(); i++) {
        Row r = units.get(i);
        assertEquals((long) (i / b), (long) r.<Long>getAs("block"), "block of " + r);
        assertEquals(i % b, (int) r.<Integer>getAs("slot"), "slot of " + r);
        int arm = BlockDesign.arm(def.salt(), e.getKey(), i / b, i % b, def.weights());
        assertEquals(def.arms().get(arm).key(), r.getAs("arm"), "arm of " + r);
        counts[arm]++;
        if ((i + 1) % b == 0) { // a complete block: exactly 2, 3 and 5
          assertEquals(2 * ((i + 1) / b), counts[0]);
          assertEquals(3 * ((i + 1) / b), counts[1]);
          assertEquals(5 * ((i + 1) / b), counts[2]);
        }
      }
      for (int a = 0; a < 3; a++) {
        double expected = def.weights()[a] * units.size();
        assertTrue(
            Math.abs(counts[a] - expected) < b,
            e.getKey() + " arm " + a + ": " + counts[a] + " vs " + expected);
      }
    }
  }

  @Test
  void rerunsAreIdentical(SparkSession spark) {
    Dataset<Row> a = StratifiedAssignment.assign(population(spark), def, "unit_id", "p");
    Dataset<Row> b = StratifiedAssignment.assign(population(spark), def, "unit_id", "p");
    assertEquals(0, a.exceptAll(b).count());
    assertEquals(0, b.exceptAll(a).count());
  }

  @Test
  void theAssignCommandWritesADeltaTableAndReplacesItsRowsOnRerun(SparkSession spark) {
    Path dir = Fixtures.tempDir("assign-");
    String popPath = dir.resolve("population").toString();
    population(spark).write().parquet(popPath);
    String out = dir.resolve("assignments").toString();
    for (int run = 0; run < 2; run++) {
      StringWriter text = new StringWriter();
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(text));
      int code =
          cl.execute(
              "assign",
              "--conf",
              confDir.toString(),
              "--experiment",
              "email_campaign",
              "--population",
              popPath,
              "--out",
              out);
      assertEquals(0, code, text.toString());
      assertTrue(text.toString().contains("platform=ios|country=US"), text.toString());
    }
    Dataset<Row> written = spark.read().format("delta").load(out);
    assertEquals(20_150, written.count());
    assertEquals(20_150, written.filter(col("experiment").equalTo(lit("email_campaign"))).count());
  }

  @Test
  void aPopulationGivenAsACatalogTableIsAssignedAsItsFilesAre(SparkSession spark) {
    Path dir = Fixtures.tempDir("assign-");
    String popPath = dir.resolve("population").toString();
    population(spark).write().parquet(popPath);
    String db = Fixtures.database(spark, "assign");
    population(spark).write().saveAsTable(db + ".population");
    Path conf = TestConf.copyOf(confDir);
    TestConf.edit(
        conf.resolve("assay.yaml"),
        "  population: population      #",
        "  population: {table: " + db + ".population}   #");
    Path fromFiles = dir.resolve("from-files");
    Path fromTable = dir.resolve("from-table");
    List<String> assign =
        List.of("assign", "--conf", conf.toString(), "--experiment", "email_campaign");
    List<String> files = new ArrayList<>(assign);
    files.addAll(List.of("--population", popPath, "--out", fromFiles.toString()));
    Commands.Ran a = Commands.run(files);
    assertEquals(0, a.code(), a.text());
    List<String> table = new ArrayList<>(assign);
    table.addAll(List.of("--out", fromTable.toString()));
    Commands.Ran b = Commands.run(table);
    assertEquals(0, b.code(), b.text());
    assertTrue(b.text().contains("assigned from table " + db + ".population"), b.text());
    Dataset<Row> expected = spark.read().format("delta").load(fromFiles.toString());
    assertEquals(20_150, expected.count());
    assertEquals(
        0,
        io.assay.io.TableComparison.differences(
            expected, spark.read().format("delta").load(fromTable.toString())));
  }
}
