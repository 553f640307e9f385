package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.config.Conf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a synthetic experiment world with known truth: exposure logs (faults included), the
 * metric source tables of the catalog, a population table and {@code truth.json}. See {@code
 * docs/generator.md}.
 *
 * <p>Stages, each under its own Spark job group: population → enrollments (persisted, one row per
 * unit) → the four metric sources → the tagged exposure log (persisted) → logs → truth. No stage
 * shuffles unit-level data: every row derives from its unit's slice of {@code spark.range}, and
 * files are written per slice of {@value WorldSpec#UNITS_PER_SLICE} units. The online system's
 * decisions are computed twice (once for the enrollments, once for the log). Only aggregates (a few
 * hundred rows) reach the driver.
 */
public final class WorldGenerator {
  /** Bump when the same seed and configuration would produce different data. */
  public static final int GENERATOR_VERSION = 1;

  public static final String LOGS = "logs";
  public static final String TRUTH = "truth.json";

  /** HotSpot's {@code HugeMethodLimit}: bytecode size above which it does not JIT a method. */
  private static final String HOTSPOT_HUGE_METHOD_LIMIT = "8000";

  private static final Logger LOG = LoggerFactory.getLogger(WorldGenerator.class);

  /** What was written: paths relative to the world's directory, and row counts. */
  public record Result(Path out, long logLines, Map<String, Long> rows, Path truth) {}

  private final SparkSession spark;
  private final Conf conf;
  private final WorldSpec spec;
  private final OnlineSystem online;
  private final Timeline timeline;
  private final Draws draws;
  private final Effects effects = Effects.builtIn();
  private final FaultPlan faults;

  public WorldGenerator(SparkSession spark, Conf conf, WorldSpec spec) {
    this.spark = spark;
    this.conf = conf;
    this.spec = spec;
    this.online = OnlineSystem.of(conf);
    this.timeline = Timeline.of(online.experiments(), conf.catalog(), spec.days());
    this.draws = new Draws(spec.seed());
    this.faults =
        spec.faults() == WorldSpec.FaultMode.NONE
            ? FaultPlan.none()
            : FaultPlan.defaults(online, conf.experiments(), spec.format());
  }

  /**
   * The population table's path: {@code data.population} relative to {@code data.root} ({@code
   * population} when it is a catalog table or a query, which the generator cannot write).
   */
  private String population() {
    return conf.assay()
        .population()
        .fileLocation()
        .map(l -> SourceTable.underDataRoot(conf, l))
        .orElse("population");
  }

  /** Every path the generator writes, relative to the world's directory. */
  public List<String> outputs() {
    List<String> out = new ArrayList<>(List.of(LOGS, population()));
    for (Channel c : eventChannels()) {
      out.add(SourceTable.of(c, conf).path());
    }
    out.add(TRUTH);
    return out;
  }

  /** Outputs that already exist under the world's directory. */
  public List<Path> existingOutputs() {
    return outputs().stream().map(spec.out()::resolve).filter(Files::exists).toList();
  }

  /** Deletes the outputs of an earlier world in the same directory. */
  public void deleteOutputs() {
    outputs().forEach(p -> OutputFiles.delete(spec.out().resolve(p)));
  }

  /** Writes the world; the outputs must not exist yet (see {@link #deleteOutputs}). */
  public Result generate() {
    if (!existingOutputs().isEmpty()) {
      throw new IllegalStateException("outputs exist already: " + existingOutputs());
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    Dataset<Row> units = Units.units(spark, spec, draws);
    stage(
        "population",
        () -> {
          Path p = spec.out().resolve(population());
          Units.population(units).sortWithinPartitions(Units.UNIT_ID).write().parquet(p.toString());
          OutputFiles.stabilize(p, ".snappy.parquet");
          rows.put(population(), spec.units());
        });

    // Persisted: the enrollments and the tagged log both start from every visit's decisions.
    Dataset<Row> decided = decided(units).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> unitRows =
        Segments.withSegments(
                Units.withAttributes(Enrollment.enrollments(decided, online), spec, draws),
                online.maxEnrollments(),
                timeline,
                effects)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Map<Channel, SourceTable> tables = new LinkedHashMap<>();
    for (Channel c : eventChannels()) {
      SourceTable t = SourceTable.of(c, conf);
      tables.put(c, t);
      stage("source " + t.channel().code(), () -> rows.put(t.path(), writeSource(unitRows, t)));
    }

    // Persisted: the log writer and both truth aggregations read it (recomputing it means
    // re-deciding every visit and re-drawing every fault).
    Dataset<Row> tagged =
        ExposureLog.tagged(decided, online, faults, draws).persist(StorageLevel.MEMORY_AND_DISK());
    stage("logs", () -> withSmallGeneratedMethods(() -> writeLogs(tagged)));
    decided.unpersist();

    ObjectNode truth = JsonNodeFactory.instance.objectNode();
    stage(
        "truth",
        () -> {
          ObjectNode faultTruth = FaultTruth.compute(tagged, online, faults);
          ObjectNode effectTruth =
              new EffectTruth(online, effects, conf.catalog(), shares(tables)).compute(unitRows);
          fill(truth, rows, tables, faultTruth, effectTruth);
          write(spec.out().resolve(TRUTH), truth);
        });
    unitRows.unpersist();
    tagged.unpersist();
    long lines = truth.get("reconciliation").get("lines").asLong();
    return new Result(spec.out(), lines, rows, spec.out().resolve(TRUTH));
  }

  /** Visits decided by the online system: one row per unit, visit and served experiment. */
  private Dataset<Row> decided(Dataset<Row> units) {
    Dataset<Row> visits = Visits.visits(units, spec, timeline, draws);
    return online.decide(visits, col(Units.UNIT_ID), col(Units.ATTRIBUTES), col(Visits.TS));
  }

  private long writeSource(Dataset<Row> unitRows, SourceTable t) {
    Dataset<Row> events = MetricEvents.events(unitRows, t.channel(), draws);
    // Unit and time first, then every other column: a total order, so files are reproducible.
    List<Column> order = new ArrayList<>(List.of(col(MetricEvents.UNIT_ID), col(MetricEvents.TS)));
    Arrays.stream(events.columns())
        .filter(c -> !c.equals(MetricEvents.UNIT_ID) && !c.equals(MetricEvents.TS))
        .forEach(c -> order.add(col(c)));
    Dataset<Row> out =
        events
            .sortWithinPartitions(order.toArray(Column[]::new))
            .withColumnRenamed(MetricEvents.UNIT_ID, t.unitColumn())
            .withColumnRenamed(MetricEvents.TS, t.timeColumn());
    Path p = spec.out().resolve(t.path());
    out.write().format(t.format()).save(p.toString());
    if (!t.delta()) {
      OutputFiles.stabilize(p, ".snappy.parquet");
    }
    return spark.read().format(t.format()).load(p.toString()).count();
  }

  private void writeLogs(Dataset<Row> tagged) {
    Path p = spec.out().resolve(LOGS);
    if (spec.format() == WorldSpec.LogFormat.JSON) {
      ExposureLog.jsonLines(tagged).write().partitionBy(ExposureLog.DATE).text(p.toString());
      OutputFiles.stabilize(p, ".json");
    } else {
      ExposureLog.parquetRows(tagged).write().partitionBy(ExposureLog.DATE).parquet(p.toString());
      OutputFiles.stabilize(p, ".snappy.parquet");
    }
  }

  /** {@code φ} of each filtered measure: the share of its written source's events passing it. */
  private Map<MeasureModel, Double> shares(Map<Channel, SourceTable> tables) {
    Map<MeasureModel, Double> out = new LinkedHashMap<>();
    for (Channel c : eventChannels()) {
      List<MeasureModel> measures =
          EffectTruth.filteredMeasures(conf.catalog()).stream()
              .filter(m -> m.channel() == c)
              .toList();
      if (measures.isEmpty()) {
        continue;
      }
      SourceTable t = tables.get(c);
      List<Column> aggs = new ArrayList<>();
      for (MeasureModel m : measures) {
        aggs.add(sum(when(expr(m.filter().get()), 1L).otherwise(0L)));
      }
      Row r =
          spark
              .read()
              .format(t.format())
              .load(spec.out().resolve(t.path()).toString())
              .agg(count(lit(1)), aggs.toArray(Column[]::new))
              .first();
      long total = r.getLong(0);
      for (int i = 0; i < measures.size(); i++) {
        out.put(measures.get(i), total == 0 ? 0.0 : (double) r.getLong(i + 1) / total);
      }
    }
    return out;
  }

  private void fill(
      ObjectNode truth,
      Map<String, Long> rows,
      Map<Channel, SourceTable> tables,
      ObjectNode faultTruth,
      ObjectNode effectTruth) {
    truth.put("generator", "assay generate");
    truth.put("generator_version", GENERATOR_VERSION);
    truth.put("seed", spec.seed());
    truth.put("units", spec.units());
    truth.put("days", spec.days());
    truth.put("fault_mode", spec.faults().name().toLowerCase(java.util.Locale.ROOT));
    ObjectNode time = truth.putObject("timeline");
    time.put("exposures_from", timeline.t0().toString());
    time.put("exposures_to", timeline.exposuresEnd().toString());
    time.put("metrics_from", timeline.metricsFrom().toString());
    time.put("metrics_to", timeline.metricsTo().toString());
    ObjectNode outputs = truth.putObject("outputs");
    ObjectNode logs = outputs.putObject(LOGS);
    logs.put("path", LOGS);
    logs.put("format", spec.format().name().toLowerCase(java.util.Locale.ROOT));
    logs.put("partitioned_by", ExposureLog.DATE);
    logs.put("lines", faultTruth.get("reconciliation").get("lines").asLong());
    ObjectNode pop = outputs.putObject("population");
    pop.put("path", population());
    pop.put("format", "parquet");
    pop.put("rows", spec.units());
    for (SourceTable t : tables.values()) {
      ObjectNode n = outputs.putObject(t.channel().code());
      n.put("path", t.path());
      n.put("format", t.format());
      n.put("rows", rows.get(t.path()));
    }
    truth.set("enrollment", effectTruth.get("enrollment"));
    truth.set("effects", effectTruth.get("effects"));
    truth.set("faults", faultTruth.get("faults"));
    truth.set("reconciliation", faultTruth.get("reconciliation"));
  }

  private static void write(Path path, ObjectNode truth) {
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    try {
      Files.writeString(path, new ObjectMapper().writer(pretty).writeValueAsString(truth) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code work} with Spark's whole-stage code generation limited to methods HotSpot's
   * optimizing compiler accepts ({@code spark.sql.codegen.hugeMethodLimit} = 8000 bytes of
   * bytecode, the value Spark's documentation suggests for HotSpot), then restores the setting.
   *
   * <p>Fused into one stage, deciding and tagging a visit generate a method of about 37 kB. C2
   * gives up on it ("out of nodes") and C1 often does too, so the stage ran at the speed of
   * whichever tier happened to compile: 15-25 s to tag the same 300k-unit log in repeated runs.
   * Above the limit Spark runs the operators one by one with small compiled projections instead:
   * about 6 s, every round. Measured in BENCHMARKS.md; the metric sources keep fused code (they are
   * faster with it).
   */
  private void withSmallGeneratedMethods(Runnable work) {
    String key = "spark.sql.codegen.hugeMethodLimit";
    String prior = spark.conf().contains(key) ? spark.conf().get(key) : null;
    spark.conf().set(key, HOTSPOT_HUGE_METHOD_LIMIT);
    try {
      work.run();
    } finally {
      if (prior == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, prior);
      }
    }
  }

  private void stage(String name, Runnable work) {
    spark.sparkContext().setJobGroup("generate stage=" + name, "assay generate: " + name, false);
    long t = System.nanoTime();
    LOG.info("generate: {} ...", name);
    work.run();
    LOG.info(
        "generate: {} done in {} s", name, String.format("%.1f", (System.nanoTime() - t) / 1e9));
    spark.sparkContext().clearJobGroup();
  }

  private static List<Channel> eventChannels() {
    return Arrays.stream(Channel.values()).filter(Channel::hasEvents).toList();
  }
}
