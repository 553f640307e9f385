package io.assay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One small generated world per test JVM, shared by the end-to-end tests: the README's first
 * command, {@code jobs/demo.sh}, run at a smaller size in a copy of the project's layout ({@code
 * conf/} and {@code jobs/} copied, the built jar and {@code target/lib} linked). The demo validates
 * the definitions, generates the world with {@code jobs/assay generate}, and runs the pipeline a
 * scheduler runs through the launcher on embedded local Spark: {@code reconcile} over every log
 * date, then {@code nightly} for the last date (balance, analyze, report), then a query.
 */
public final class GeneratedWorld {
  /** The pseudonymization key the runs get through the environment. */
  public static final String KEY = "end-to-end-test-key";

  public static final Map<String, String> ENV = Map.of("ASSAY_PSEUDONYM_KEY", KEY);

  private static GeneratedWorld world;

  /** The configuration directory (a copy of the project's). */
  public final Path conf;

  /** The world's directory ({@code data.root}). */
  public final Path data;

  /** The output root of the local run. */
  public final Path out;

  /** Dates with log partitions, in order. */
  public final List<LocalDate> dates;

  /** What {@code jobs/demo.sh} printed on standard output. */
  public final String demoOutput;

  private GeneratedWorld(Path conf, Path data, Path out, List<LocalDate> dates, String demoOutput) {
    this.conf = conf;
    this.data = data;
    this.out = out;
    this.dates = dates;
    this.demoOutput = demoOutput;
  }

  /** The world, generated and processed on first use. */
  public static synchronized GeneratedWorld get() {
    if (world == null) {
      world = create();
    }
    return world;
  }

  public LocalDate first() {
    return dates.get(0);
  }

  public LocalDate last() {
    return dates.get(dates.size() - 1);
  }

  /** Runs the scheduler's sequence into {@code root} with extra environment (e.g. a cluster). */
  public void runPipeline(Path root, Map<String, String> extraEnv) {
    runPipeline(conf, root.toString(), extraEnv);
  }

  /**
   * Runs the scheduler's sequence through the launcher: {@code reconcile} over every date, then
   * {@code nightly} on the last, with configuration {@code conf} (the world's, or one from {@link
   * #confAt}) into the output root {@code out} (a path or a Hadoop URI).
   */
  public void runPipeline(Path conf, String out, Map<String, String> extraEnv) {
    check(reconcile(conf, out, extraEnv));
    check(nightly(conf, out, extraEnv));
  }

  /** {@code reconcile} over every date of the world. */
  public Launcher.Result reconcile(Path conf, String out, Map<String, String> extraEnv) {
    return Launcher.assay(
        env(extraEnv),
        Duration.ofMinutes(15),
        "reconcile",
        "--conf",
        conf.toString(),
        "--out",
        out,
        "--from",
        first().toString(),
        "--to",
        last().toString());
  }

  /** {@code nightly} on the world's last date. */
  public Launcher.Result nightly(Path conf, String out, Map<String, String> extraEnv) {
    return onLastDate("nightly", conf, out, extraEnv);
  }

  /** {@code balance} as of the world's last date (a cheap stage that takes the output lock). */
  public Launcher.Result balance(Path conf, String out, Map<String, String> extraEnv) {
    return onLastDate("balance", conf, out, extraEnv);
  }

  private Launcher.Result onLastDate(
      String command, Path conf, String out, Map<String, String> extraEnv) {
    return Launcher.assay(
        env(extraEnv),
        Duration.ofMinutes(15),
        command,
        "--conf",
        conf.toString(),
        "--out",
        out,
        "--date",
        last().toString());
  }

  /**
   * The runs over the world: test-sized shuffles (2 partitions; the outputs do not depend on it,
   * and the cluster run, with 4, is compared with them).
   */
  private static final String JAVA_OPTS =
      Launcher.TEST_JAVA_OPTS + " -Dspark.sql.shuffle.partitions=2";

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put("ASSAY_JAVA_OPTS", JAVA_OPTS);
    env.putAll(extra);
    return env;
  }

  /**
   * A copy of the world's configuration whose {@code data.root} and {@code output.root} are {@code
   * dataRoot} and {@code outputRoot} (Hadoop URIs), for a run whose data lives elsewhere.
   */
  public Path confAt(String dataRoot, String outputRoot) {
    return TestConf.withRoots(TestConf.copyOf(conf), dataRoot, outputRoot);
  }

  /**
   * Copies the world's data (everything under {@code data.root} except the local run's output root)
   * with {@code copier(localDir, targetUri)} to {@code target}.
   */
  public void copyData(String target, java.util.function.BiConsumer<Path, String> copier) {
    try (Stream<Path> s = Files.list(data)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!p.equals(out)) {
          copier.accept(p, target + "/" + p.getFileName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A spark-defaults file for child runs ({@code ASSAY_SPARK_DEFAULTS}): the project's {@code
   * conf/spark/spark-defaults.conf} plus {@code extra} (e.g. a server's {@code spark.hadoop.*}
   * client settings).
   */
  public static Path sparkDefaults(Map<String, String> extra) {
    try {
      StringBuilder b =
          new StringBuilder(
              Files.readString(TestConf.PROJECT_CONF.resolve("spark/spark-defaults.conf")));
      extra.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
      Path f = Fixtures.tempDir("spark-defaults-").resolve("spark-defaults.conf");
      Files.writeString(f, b.toString());
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GeneratedWorld create() {
    Path conf = TestConf.copy();
    Path root = conf.getParent();
    Path data = root.resolve("data/demo");
    Launcher.Result demo;
    try {
      Path jobs = Files.createDirectories(root.resolve("jobs"));
      for (String script : List.of("demo.sh", "assay")) {
        Files.copy(
            Launcher.ROOT.resolve("jobs").resolve(script),
            jobs.resolve(script),
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
      Path target = Files.createDirectories(root.resolve("target"));
      for (String built : List.of("assay.jar", "lib")) {
        Files.createSymbolicLink(target.resolve(built), Launcher.ROOT.resolve("target/" + built));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = env(Map.of());
    env.put("DEMO_UNITS", "20000");
    env.put("DEMO_DAYS", "5");
    demo =
        Launcher.run(List.of(root.resolve("jobs/demo.sh").toString()), env, Duration.ofMinutes(40));
    check(demo);
    List<LocalDate> dates;
    try (Stream<Path> parts = Files.list(data.resolve("logs"))) {
      dates =
          parts
              .map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("date="))
              .map(n -> LocalDate.parse(n.substring(5)))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GeneratedWorld(conf, data, data.resolve("out"), dates, demo.stdout());
  }

  private static void check(Launcher.Result r) {
    assertEquals(0, r.exit(), r.output());
  }
}
