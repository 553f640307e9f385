package io.assay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Location;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.StagedRows;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * How analyze brings statistics to the driver and results back out without holding them all
 * (decision 0017): {@link ExperimentRows} hands over each experiment version's rows, and only them,
 * in Spark's order, for keys whose order differs between Java's {@code String} and Spark (upper
 * case, accents, a character outside the BMP); {@link StagedRows} stages full batches as files,
 * gives every row back, and deletes the files.
 */
@SparkTest
class StreamedRowsTest {
  @Test
  void eachExperimentGetsItsOwnRowsInSparksOrder(SparkSession spark) {
    Conf conf = ConfigLoader.load(TestConf.copy());
    ExperimentDefinition base = conf.resolve("checkout_button");
    // Java's String order puts "\uFB01" (a BMP letter above the surrogates) after "\uD83D\uDE00"
    // (an emoji, two surrogates); in UTF-8 bytes, Spark's order, the emoji comes last.
    List<String> keys =
        List.of("Zeta", "alpha", "alpha_b", "\u00e9t\u00e9", "\uFB01", "\uD83D\uDE00");
    List<ExperimentDefinition> defs = new ArrayList<>();
    for (String k : keys) {
      defs.add(CapsAndListsTest.listing(base, k, List.of("conversion"), List.of()));
    }
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals("alpha_b")) {
        continue; // an experiment without rows gets none
      }
      for (int j = 0; j <= i; j++) {
        rows.add(new Object[] {keys.get(i), "1.0.0", "r" + j});
      }
    }
    rows.add(new Object[] {"alpha", "0.9.0", "other version"});
    rows.add(new Object[] {"not_analysed", "1.0.0", "skipped"});
    assertEquals(List.of(), ExperimentRows.none().take(defs.get(0)), "no table, no rows");
    // Read back in one partition (a small night) and in three (as at hundreds of experiments).
    for (long pairs : new long[] {keys.size(), 3L * ExperimentRows.PAIRS_PER_PARTITION}) {
      ExperimentRows stream =
          new ExperimentRows(
              Fixtures.rows(
                      spark,
                      "experiment STRING, version STRING, value STRING",
                      rows.toArray(Object[][]::new))
                  .repartition(3),
              pairs);
      List<ExperimentDefinition> sorted = defs.stream().sorted(ExperimentRows.ORDER).toList();
      assertEquals(
          "\uD83D\uDE00", sorted.get(sorted.size() - 1).key(), "Spark's order, not Java's");
      for (ExperimentDefinition e : sorted) {
        List<Row> got = stream.take(e);
        int i = keys.indexOf(e.key());
        int expected = e.key().equals("alpha_b") ? 0 : i + 1;
        assertEquals(expected, got.size(), e.key());
        Set<String> values = new TreeSet<>();
        for (Row r : got) {
          assertEquals(e.key(), r.getAs("experiment"));
          assertEquals("1.0.0", r.getAs("version"));
          values.add(r.getAs("value"));
        }
        assertEquals(expected, values.size(), e.key());
      }
      assertEquals(keys.size(), stream.largest(), "the largest experiment's rows");
      assertTrue(
          stream.largestBytes() > 100L * keys.size(), "their size: " + stream.largestBytes());
    }
  }

  @Test
  void stagedBatchesComeBackWholeAndAreDeleted(SparkSession spark) throws Exception {
    Path root = Fixtures.tempDir("staged-");
    RunContext ctx =
        RunContext.of(
            ConfigLoader.load(TestConf.copy()), "run1", Location.local(root), Optional.empty());
    Date day = Date.valueOf("2026-11-07");
    try (StagedRows few = new StagedRows(spark, ctx, OutputTables.EXPERIMENT_DECISIONS, 5)) {
      few.addAll(List.of(decision(day, "a"), decision(day, "b")));
      assertFalse(few.staged());
      assertEquals(2, few.rows().count());
    }
    Path staging = root.resolve("_staging");
    assertFalse(Files.exists(staging.resolve("run1-experiment_decisions")));
    try (StagedRows many = new StagedRows(spark, ctx, OutputTables.EXPERIMENT_DECISIONS, 5)) {
      Set<String> added = new TreeSet<>();
      for (int i = 0; i < 23; i++) {
        many.add(decision(day, "e" + i));
        added.add("e" + i);
      }
      assertTrue(many.staged());
      assertTrue(Files.isDirectory(staging.resolve("run1-experiment_decisions")));
      assertEquals(23, many.count());
      Set<String> back = new TreeSet<>();
      for (Row r : many.rows().collectAsList()) {
        back.add(r.getAs("experiment"));
        assertEquals(day, r.getAs("date"));
        assertEquals(List.of("why"), r.getList(r.fieldIndex("reasons")));
      }
      assertEquals(added, back, "every row, once");
    }
    assertFalse(Files.exists(staging.resolve("run1-experiment_decisions")), "staged files deleted");
  }

  /** An experiment_decisions row (the table's columns, in order). */
  private static Row decision(Date day, String experiment) {
    return RowFactory.create(
        day,
        experiment,
        "1.0.0",
        "treatment",
        "continue",
        List.of("why"),
        false,
        true,
        false,
        false,
        10L);
  }
}
