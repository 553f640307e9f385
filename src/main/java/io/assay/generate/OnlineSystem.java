package io.assay.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.assay.assignment.AssignmentPlan;
import io.assay.config.Conf;
import io.assay.config.ExperimentDefinition;
import io.assay.config.HashScheme;
import io.assay.reconcile.SparkAssignment;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The online system the world simulates. It serves the latest version of every experiment in the
 * configuration and decides each visit with the project's Spark twin of the assigner ({@link
 * SparkAssignment#withDecision}), the very function the reconciler recomputes with; it logs through
 * the platform's SDK ({@code growthbook-js} for experiments with a GrowthBook hash).
 */
public final class OnlineSystem {
  public static final String EXPERIMENT = "experiment";
  public static final String VERSION = "version";

  private static final String CANDIDATE = "online_candidate";

  /** The twin's decision struct: {@code status, arm, position, traffic}. */
  public static final String DECISION = "decision";

  private final List<ExperimentDefinition> served;
  private final List<AssignmentPlan> plans;

  private OnlineSystem(List<ExperimentDefinition> served, List<AssignmentPlan> plans) {
    this.served = List.copyOf(served);
    this.plans = List.copyOf(plans);
  }

  public static OnlineSystem of(Conf conf) {
    List<ExperimentDefinition> served = new ArrayList<>();
    for (String key : conf.keys().stream().sorted().toList()) {
      served.add(conf.latest(key).orElseThrow());
    }
    served.sort(Comparator.comparing(ExperimentDefinition::key));
    List<AssignmentPlan> plans = new ArrayList<>();
    for (ExperimentDefinition d : served) {
      plans.add(AssignmentPlan.of(d, conf.assay()));
    }
    return new OnlineSystem(served, plans);
  }

  /** The served definitions, by key. */
  public List<ExperimentDefinition> experiments() {
    return served;
  }

  public List<AssignmentPlan> plans() {
    return plans;
  }

  /**
   * One row per visit and candidate experiment, with the twin's decision in {@link #DECISION} and
   * the served version in {@link #VERSION}. Narrow: one {@code explode}, hashes per row.
   *
   * <p>The candidates of a visit ({@link SparkAssignment#withCandidates}) are every served
   * experiment outside a namespace and, per namespace, the experiments whose slice holds the unit
   * plus the next one (which gives the namespace-conflict fault its rows). A visit of a world with
   * hundreds of experiments in a few namespaces is decided a few times, not once per experiment.
   * Candidates come in key order, as the served experiments did before namespaces pruned them.
   */
  public Dataset<Row> decide(Dataset<Row> visits, Column unit, Column attributes, Column at) {
    Dataset<Row> rows =
        SparkAssignment.withCandidates(
            visits, plans, unit, true, p -> candidate(p.definition()), CANDIDATE);
    rows =
        rows.withColumn(CANDIDATE, explode(array_sort(col(CANDIDATE))))
            .withColumn(EXPERIMENT, col(CANDIDATE).getField(EXPERIMENT))
            .withColumn(VERSION, col(CANDIDATE).getField(VERSION))
            .drop(CANDIDATE);
    return decide(rows, plans, lit(true), unit, attributes, at, DECISION);
  }

  /**
   * The most experiments a unit can be enrolled in at once: every one outside a namespace, plus per
   * namespace the most slices that hold one position.
   */
  public int maxEnrollments() {
    return SparkAssignment.maxCandidates(plans);
  }

  /** Every arm key of the served experiments, sorted and distinct. */
  public List<String> armNames() {
    return served.stream().flatMap(d -> d.armKeys().stream()).distinct().sorted().toList();
  }

  /**
   * The arm's 0-based index in {@link #armNames} (-1 for an arm no served experiment has): one
   * lookup in a constant array, however many experiments are served.
   */
  public Column armIndex(Column arm) {
    Column names = array(armNames().stream().map(a -> lit(a)).toArray(Column[]::new));
    return array_position(names, arm).minus(1);
  }

  /** The arm of {@link #armIndex}. */
  public Column armName(Column index) {
    Column names = array(armNames().stream().map(a -> lit(a)).toArray(Column[]::new));
    return get(names, index.cast(DataTypes.IntegerType));
  }

  private static Column candidate(ExperimentDefinition d) {
    return struct(lit(d.key()).as(EXPERIMENT), lit(d.version().toString()).as(VERSION));
  }

  /**
   * Adds the twin's decision at the next ramp step ({@link #nextStepAt}) as column {@code out}, for
   * rows of ramped experiments where {@code when} holds (other rows get null, and no hashing). Only
   * the ramped experiments' plans enter the expression, which keeps the generated code small.
   */
  public Dataset<Row> decideAtNextStep(
      Dataset<Row> rows, Column when, Column unit, Column attributes, String out) {
    List<AssignmentPlan> ramped =
        plans.stream().filter(p -> p.definition().traffic().isRamp()).toList();
    Column at = nextStepAt(col(EXPERIMENT), col(Visits.TS));
    return decide(rows, ramped, when.and(at.isNotNull()), unit, attributes, at, out);
  }

  private static Dataset<Row> decide(
      Dataset<Row> rows,
      List<AssignmentPlan> plans,
      Column when,
      Column unit,
      Column attributes,
      Column at,
      String out) {
    List<SparkAssignment.Keyed> keyed = new ArrayList<>();
    for (AssignmentPlan p : plans) {
      keyed.add(
          new SparkAssignment.Keyed(when.and(col(EXPERIMENT).equalTo(p.definition().key())), p));
    }
    if (keyed.isEmpty()) {
      return rows.withColumn(out, lit(null).cast(SparkAssignment.decisionType()));
    }
    return SparkAssignment.withDecision(rows, keyed, unit, attributes, at, out);
  }

  /** A per-experiment value: {@code value(d)} for the row's experiment, else null. */
  public Column byExperiment(Column experiment, Function<ExperimentDefinition, Column> value) {
    Column out = null;
    for (ExperimentDefinition d : served) {
      Column v = value.apply(d);
      out =
          out == null
              ? when(experiment.equalTo(d.key()), v)
              : out.when(experiment.equalTo(d.key()), v);
    }
    return out;
  }

  /** The experiment's arm keys, in definition order. */
  public Column armKeys(Column experiment) {
    return byExperiment(
        experiment, d -> array(d.armKeys().stream().map(a -> lit(a)).toArray(Column[]::new)));
  }

  public Column start(Column experiment) {
    return byExperiment(experiment, d -> lit(Timestamp.from(d.start())));
  }

  public Column end(Column experiment) {
    return byExperiment(experiment, d -> lit(Timestamp.from(d.end())));
  }

  /**
   * The instant of the ramp step after the one in force at {@code at}, or null on the last step
   * (and for experiments without a ramp).
   */
  public Column nextStepAt(Column experiment, Column at) {
    return byExperiment(
        experiment,
        d -> {
          Column next = lit(null).cast(DataTypes.TimestampType);
          List<Instant> steps = d.traffic().steps().stream().map(s -> s.at()).toList();
          for (int i = steps.size() - 1; i >= 1; i--) {
            next =
                when(at.lt(lit(Timestamp.from(steps.get(i)))), lit(Timestamp.from(steps.get(i))))
                    .otherwise(next);
          }
          return next;
        });
  }

  /** The logging SDK: GrowthBook's for GrowthBook-hashed experiments, else the platform's. */
  public Column source(Column experiment, Column platform) {
    Column sdk = null;
    for (var e :
        WorldModel.SDK.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).toList()) {
      sdk =
          sdk == null
              ? when(platform.equalTo(e.getKey()), lit(e.getValue()))
              : sdk.when(platform.equalTo(e.getKey()), lit(e.getValue()));
    }
    Object[] growthBook =
        served.stream()
            .filter(
                d -> d.hash() == HashScheme.GROWTHBOOK_V1 || d.hash() == HashScheme.GROWTHBOOK_V2)
            .map(ExperimentDefinition::key)
            .toArray();
    if (growthBook.length == 0) {
      return sdk;
    }
    // isin over many literals is a hash-set lookup (InSet), not one comparison per experiment.
    return when(experiment.isin(growthBook), lit(WorldModel.GROWTHBOOK_SDK)).otherwise(sdk);
  }
}
