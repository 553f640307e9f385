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
 * One small generated world per test JVM, shared by the end-to-end tests: a copy of {@code conf/}
 * whose {@code data.root} holds a world written by {@code jobs/assay generate}, then the pipeline a
 * scheduler runs, through the launcher on embedded local Spark: {@code reconcile} over every log
 * date, then {@code nightly} for the last date (balance, analyze, report).
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

  private GeneratedWorld(Path conf, Path data, Path out, List<LocalDate> dates) {
    this.conf = conf;
    this.data = data;
    this.out = out;
    this.dates = dates;
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
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.putAll(extraEnv);
    check(
        Launcher.assay(
            env,
            Duration.ofMinutes(15),
            "reconcile",
            "--conf",
            conf.toString(),
            "--out",
            root.toString(),
            "--from",
            first().toString(),
            "--to",
            last().toString()));
    check(
        Launcher.assay(
            env,
            Duration.ofMinutes(15),
            "nightly",
            "--conf",
            conf.toString(),
            "--out",
            root.toString(),
            "--date",
            last().toString()));
  }

  private static GeneratedWorld create() {
    Path conf = TestConf.copy();
    Path data = conf.getParent().resolve("data/demo");
    check(
        Launcher.assay(
            ENV,
            Duration.ofMinutes(10),
            "generate",
            "--conf",
            conf.toString(),
            "--out",
            data.toString(),
            "--units",
            "30000",
            "--days",
            "6",
            "--seed",
            "20261125"));
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
    GeneratedWorld w = new GeneratedWorld(conf, data, data.resolve("out"), dates);
    w.runPipeline(w.out, Map.of());
    return w;
  }

  private static void check(Launcher.Result r) {
    assertEquals(0, r.exit(), r.output());
  }
}
