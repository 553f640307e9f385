package io.assay.metrics;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * A tiny analysed world whose answer is published: R's {@code sleep} data as the per-unit values of
 * a mean metric ({@code revenue}) of experiment {@code sleep_test}, control {@code group1}. R 4.x,
 * {@code t.test(extra ~ group, data = sleep)} prints t = -1.8608, df = 17.776, p-value = 0.07939,
 * 95% CI of mean(group 1) − mean(group 2) [-3.3654832, 0.2054832], means 0.75 and 2.33.
 */
public record SleepWorld(Conf conf, Path out) {
  static final double[] GROUP1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  static final double[] GROUP2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

  /** Builds the world under a fresh directory and runs the analysis as of 2026-11-14. */
  public static SleepWorld build(SparkSession spark) throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    Path site = dir.resolve("assay.yaml");
    Files.writeString(
        site,
        Files.readString(site)
            .replace("root: ../data/demo ", "root: ../data ")
            .replace("min_cell_size: 50", "min_cell_size: 6"));
    TestConf.write(
        dir,
        "experiments/sleep_test/1.0.0.yaml",
        """
        key: sleep_test
        version: 1.0.0
        owner: qa
        hypothesis: The drug of group 2 adds sleep (R's sleep data)
        salt: sleep_test
        start: 2026-11-01T00:00:00Z
        end: 2026-11-15T00:00:00Z
        arms:
          - {key: group1, weight: 0.5}
          - {key: group2, weight: 0.5}
        control: group1
        strata: [platform]
        metrics:
          primary: [revenue]
          secondary: [conversion]
          guardrails: [crash_rate]
        analysis: {cuped: false, min_units_per_arm: 2}
        """);
    Conf conf = ConfigLoader.load(dir);
    Path data = dir.getParent().resolve("data");
    Path out = dir.getParent().resolve("out");
    Timestamp enrolled = Timestamp.from(Instant.parse("2026-11-02T00:00:00Z"));
    Timestamp later = Timestamp.from(Instant.parse("2026-11-02T01:00:00Z"));
    List<Object[]> enrollments = new ArrayList<>();
    List<Object[]> orders = new ArrayList<>();
    for (int g = 0; g < 2; g++) {
      double[] values = g == 0 ? GROUP1 : GROUP2;
      for (int i = 0; i < values.length; i++) {
        String unit = "g" + g + "-" + i;
        enrollments.add(
            new Object[] {
              "sleep_test",
              "1.0.0",
              unit,
              "group" + (g + 1),
              enrolled,
              false,
              Map.of("platform", i % 2 == 0 ? "ios" : "web")
            });
        orders.add(new Object[] {unit, later, values[i], "paid"});
      }
    }
    Fixtures.rows(
            spark,
            "experiment STRING, version STRING, unit_key STRING, arm STRING, enrolled_ts TIMESTAMP,"
                + " excluded BOOLEAN, strata MAP<STRING,STRING>",
            enrollments.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(out.resolve("enrollments").toString());
    Fixtures.rows(
            spark,
            "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING",
            orders.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP", new Object[] {"g0-0", later})
        .write()
        .format("delta")
        .save(data.resolve("crashes").toString());
    AnalyzeJob.run(
        spark,
        RunContext.of(conf, "test-run", io.assay.config.Location.local(out), Optional.empty()),
        LocalDate.parse("2026-11-14"));
    return new SleepWorld(conf, out);
  }
}
