package io.assay.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.assay.assignment.Decision;
import io.assay.assignment.GrowthBookSpecCases;
import io.assay.assignment.GrowthBookSpecCases.Check;
import io.assay.assignment.GrowthBookSpecCases.Section;
import io.assay.assignment.Status;
import io.assay.testing.JobCounter;
import io.assay.testing.SparkTest;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * GrowthBook's cross-SDK spec cases through {@code assay import growthbook} and the Spark twin of
 * the assigner. The checks are those of {@link GrowthBookSpecCases}, the enumeration {@code
 * GrowthBookImportConformanceTest} decides with the pure-Java assigner; here they are the rows of
 * one small DataFrame (unit id, attributes as {@code map<string,string>} the way exposure logs hold
 * them, timestamp), each decided by its own case's imported plan through {@link
 * SparkAssignment#withDecision}, keyed per row as {@link Recompute} keys plans on experiment and
 * version, in one Spark job. Every Spark decision is GrowthBook's result, and equals the Java
 * decision: status, arm, hash position and traffic.
 *
 * <p>The rows come from an RDD, not a local relation (which the optimizer would decide on the
 * driver), so the plans are serialized to tasks as reconciliation's are. The expressions are
 * interpreted: one projection of ~150 plans compiles to a method past the JVM's 64 KB limit, and
 * whole-stage code generation would fail and fall back after tens of seconds of compiling. The
 * generated code of every scheme and condition is compared with the Java assigner in {@link
 * SparkAssignmentTest} (1M units).
 */
@SparkTest
class GrowthBookSparkConformanceTest {
  private static final String CHECK = "check";

  @Test
  void specCasesThroughImportAndSparkTwin(SparkSession spark) {
    List<Section> sections =
        List.of(
            GrowthBookSpecCases.evalCondition(),
            GrowthBookSpecCases.run(),
            GrowthBookSpecCases.feature(),
            GrowthBookSpecCases.runAssignments());
    List<Check> checks = new ArrayList<>();
    sections.forEach(s -> checks.addAll(s.checks()));

    StructType schema =
        new StructType()
            .add(CHECK, DataTypes.IntegerType, false)
            .add("unit_id", DataTypes.StringType)
            .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
            .add("ts", DataTypes.TimestampType);
    Timestamp at = Timestamp.from(GrowthBookSpecCases.AT);
    List<Row> rows = new ArrayList<>();
    List<SparkAssignment.Keyed> plans = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      rows.add(RowFactory.create(i, c.unit(), CollectionConverters.asScala(c.attributes()), at));
      plans.add(new SparkAssignment.Keyed(col(CHECK).equalTo(lit(i)), c.plan()));
    }
    Dataset<Row> decided =
        SparkAssignment.withDecision(
                spark.createDataFrame(
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2),
                    schema),
                plans,
                col("unit_id"),
                col("attributes"),
                col("ts"),
                "decision")
            .select(col(CHECK), col("decision.*"));
    List<Row> result = new ArrayList<>();
    assertEquals(1, interpreted(spark, () -> result.addAll(decided.collectAsList())));

    assertEquals(checks.size(), result.size());
    Map<String, Integer> rowsPerSection = new TreeMap<>();
    for (Row r : result) {
      Check c = checks.get(r.getInt(0));
      Status status = Status.valueOf(r.getString(1).toUpperCase(Locale.ROOT));
      String arm = r.isNullAt(2) ? null : r.getString(2);
      c.verify(status, arm);
      Decision j = c.decide();
      String what = c.section() + " '" + c.name() + "': java " + j + ", spark " + r;
      assertEquals(j.status(), status, what);
      assertEquals(j.arm(), arm, what);
      if (j.position() != null) {
        assertEquals(j.position(), r.getDouble(3), 0.0, what);
        assertEquals(j.traffic(), r.getDouble(4), 0.0, what);
      }
      rowsPerSection.merge(c.section(), 1, Integer::sum);
    }

    // The cases compared are those the Java path compares; one row per decision. The feature
    // case "skip experiment on missing hashAttribute" is compared with no decision: GrowthBook
    // assigns no unit (nothing is logged), so neither path has a row to decide.
    Map<String, Integer> compared = new TreeMap<>();
    sections.forEach(s -> compared.put(s.name(), s.compared()));
    System.out.println("through import and Spark: cases " + compared + ", rows " + rowsPerSection);
    assertEquals(
        Map.of("evalCondition", 52, "run", 47, "feature", 10, "run-assignments", 43), compared);
    assertEquals(
        Map.of("evalCondition", 52, "run", 47, "feature", 9, "run-assignments", 43),
        rowsPerSection);
  }

  /**
   * Runs an action with Spark's expressions interpreted rather than compiled (the internal settings
   * Spark's own tests use for this), restoring the session's settings after; returns the Spark jobs
   * it started.
   */
  private static int interpreted(SparkSession spark, Runnable action) {
    Map<String, String> settings =
        Map.of(
            "spark.sql.codegen.wholeStage", "false",
            "spark.sql.codegen.factoryMode", "NO_CODEGEN");
    Map<String, String> prior = new TreeMap<>();
    settings.forEach(
        (k, v) -> {
          if (spark.conf().contains(k)) {
            prior.put(k, spark.conf().get(k));
          }
          spark.conf().set(k, v);
        });
    try {
      return JobCounter.count(spark, action);
    } finally {
      settings.keySet().forEach(k -> spark.conf().unset(k));
      prior.forEach((k, v) -> spark.conf().set(k, v));
    }
  }
}
