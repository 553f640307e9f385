package io.assay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a project script ({@code jobs/assay} and friends) in a child process, the way a user or a
 * scheduler does. Used by the end-to-end tests ({@code *IT}), which run after {@code package} so
 * the jar and {@code target/lib} exist.
 */
public final class Launcher {
  /** The project root (tests run from it). */
  public static final Path ROOT = Path.of("").toAbsolutePath();

  /** A finished process: exit code and what it printed. */
  public record Result(int exit, String stdout, String stderr) {
    /** Everything printed, for assertion messages. */
    public String output() {
      return stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  /**
   * C1 alone for short child runs (see {@link #run}), with the code cache a tiered JVM gets.
   * Without C2 the JVM reserves only 48 MB for compiled code; a night of the demo world compiles
   * about 60 MB (Spark's generated classes included): the cache filled, the compiler stopped, and
   * in a CI run (2026-12-07) the demo's nightly then failed in its enrollments merge.
   */
  public static final List<String> C1_ONLY =
      List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m");

  /** The child JVMs' options unless a test gives its own ({@code ASSAY_JAVA_OPTS}). */
  public static final String TEST_JAVA_OPTS = "-Xmx4g " + String.join(" ", C1_ONLY);

  private Launcher() {}

  /** Runs {@code jobs/assay args...}. */
  public static Result assay(Map<String, String> env, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("jobs/assay").toString()));
    cmd.addAll(List.of(args));
    return run(cmd, env, timeout);
  }

  /** Runs a command with extra environment variables, killing it after {@code timeout}. */
  public static Result run(List<String> cmd, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("launch-", ".out");
      Path err = Files.createTempFile("launch-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(ROOT.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().put("ASSAY_SKIP_BUILD", "1");
      // Test runs are short: C1 alone compiles what they run, and the C2 compiler's threads
      // would take a third of their CPU time on a 2-core machine (a night's reconcile of the demo
      // world: 96 s of CPU with C2, 77 s without). Benchmarks pass the jobs' own -Xmx4g.
      pb.environment().put("ASSAY_JAVA_OPTS", TEST_JAVA_OPTS);
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(
            "timed out after " + timeout + ": " + cmd + "\n" + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
