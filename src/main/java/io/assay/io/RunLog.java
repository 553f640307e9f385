package io.assay.io;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * What one run did, for reproduction: the command, the code and engine versions, the hash of every
 * definition, every input read (Delta tables with the version read, other inputs with a content
 * fingerprint), every output written (with the Delta version written), and the status of each stage
 * × experiment. Written as one row of the {@code runs} table when the run ends. Thread-safe; held
 * by the {@link RunContext}.
 */
public final class RunLog {
  public static final StructType SCHEMA =
      StructType.fromDDL(
          String.join(
              ", ",
              "run_id STRING",
              "command STRING",
              "args ARRAY<STRING>",
              "status STRING",
              "error STRING",
              "started_at TIMESTAMP",
              "ended_at TIMESTAMP",
              "app_version STRING",
              "git_commit STRING",
              "java_version STRING",
              "spark_version STRING",
              "delta_version STRING",
              "conf_dir STRING",
              "definitions MAP<STRING,STRING>",
              "parameters MAP<STRING,STRING>",
              "inputs ARRAY<STRUCT<name: STRING, path: STRING, format: STRING,"
                  + " delta_version: BIGINT, fingerprint: STRING>>",
              "outputs ARRAY<STRUCT<name: STRING, path: STRING, delta_version: BIGINT,"
                  + " fingerprint: STRING>>",
              "steps ARRAY<STRUCT<stage: STRING, experiment: STRING, version: STRING,"
                  + " status: STRING, message: STRING>>",
              "start_versions MAP<STRING,BIGINT>"));

  /** An input read: a Delta table with its version, or files with a content fingerprint. */
  public record Input(
      String name, String path, String format, Long deltaVersion, String fingerprint) {}

  /**
   * An output written: a Delta table with the version of the write ({@code fingerprint} null), or a
   * file (a report, an export) with the SHA-256 of its comparable content ({@code deltaVersion}
   * null).
   */
  public record Output(String name, String path, Long deltaVersion, String fingerprint) {
    public static Output table(String name, String path, long deltaVersion) {
      return new Output(name, path, deltaVersion, null);
    }

    public static Output file(String name, String path, String fingerprint) {
      return new Output(name, path, null, fingerprint);
    }
  }

  /** The outcome of one stage for one experiment version (or for the run when unkeyed). */
  public record Step(
      String stage, String experiment, String version, String status, String message) {}

  private final String command;
  private final List<String> args;
  private final Instant started;
  private final Map<String, String> definitions = new LinkedHashMap<>();
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final List<Input> inputs = new ArrayList<>();
  private final List<Output> outputs = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final Map<String, Long> startVersions = new TreeMap<>();

  public RunLog(String command, List<String> args, Instant started) {
    this.command = command;
    this.args = List.copyOf(args);
    this.started = started;
  }

  public String command() {
    return command;
  }

  public List<String> args() {
    return args;
  }

  public Instant started() {
    return started;
  }

  /**
   * The Delta version of every table under the output root when the run started, by table name: the
   * state {@code assay reproduce} restores (by cloning) before it re-runs the command.
   */
  public synchronized void startVersions(Map<String, Long> versions) {
    startVersions.clear();
    startVersions.putAll(versions);
  }

  public synchronized void definition(String id, String sha256) {
    definitions.put(id, sha256);
  }

  public synchronized void parameter(String name, String value) {
    parameters.put(name, value);
  }

  public synchronized void input(Input i) {
    if (!inputs.contains(i)) {
      inputs.add(i);
    }
  }

  public synchronized void output(Output o) {
    outputs.add(o);
  }

  public synchronized void step(Step s) {
    steps.add(s);
  }

  public synchronized List<Input> inputs() {
    return List.copyOf(inputs);
  }

  public synchronized List<Output> outputs() {
    return List.copyOf(outputs);
  }

  public synchronized List<Step> steps() {
    return List.copyOf(steps);
  }

  /** The {@code runs} row. */
  public synchronized Row toRow(
      String runId,
      String confDir,
      String status,
      String error,
      Instant ended,
      String sparkVersion) {
    // Sorted: a stage writes independent tables concurrently, so the order they were recorded in
    // varies from run to run.
    List<Row> in =
        inputs.stream()
            .sorted(Comparator.comparing(Input::name).thenComparing(Input::path))
            .map(
                i ->
                    RowFactory.create(
                        i.name(), i.path(), i.format(), i.deltaVersion(), i.fingerprint()))
            .toList();
    List<Row> out =
        outputs.stream()
            .sorted(
                Comparator.comparing(Output::name)
                    .thenComparing(
                        Output::deltaVersion, Comparator.nullsFirst(Comparator.naturalOrder())))
            .map(o -> RowFactory.create(o.name(), o.path(), o.deltaVersion(), o.fingerprint()))
            .toList();
    List<Row> st = new ArrayList<>();
    for (Step s : steps) {
      st.add(RowFactory.create(s.stage(), s.experiment(), s.version(), s.status(), s.message()));
    }
    return RowFactory.create(
        runId,
        command,
        args,
        status,
        error,
        Timestamp.from(started),
        Timestamp.from(ended),
        BuildInfo.version(),
        BuildInfo.commit(),
        System.getProperty("java.version"),
        sparkVersion,
        deltaVersion(),
        confDir,
        new LinkedHashMap<>(definitions),
        new LinkedHashMap<>(parameters),
        in,
        out,
        st,
        new TreeMap<>(startVersions));
  }

  /** Delta Lake's version, from its jar manifest. */
  public static String deltaVersion() {
    Package p = io.delta.tables.DeltaTable.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "unknown" : v;
  }
}
