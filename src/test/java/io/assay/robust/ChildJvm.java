package io.assay.robust;

import io.assay.testing.Jvm;
import io.assay.testing.Launcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code io.assay.cli.Main} in a child JVM on the test classpath ({@link Jvm}), with the test
 * JVM's {@code --add-opens} flags and jobs/assay's log configuration (assay at INFO), output and
 * errors to a log file; and kills it with SIGKILL ({@link Process#destroyForcibly}) when a line
 * appears.
 */
final class ChildJvm {
  private ChildJvm() {}

  static Process start(Path log, String... args) {
    return start(log, List.of(), args);
  }

  /** As {@link #start(Path, String...)}, with extra JVM options (e.g. system properties). */
  static Process start(Path log, List<String> jvmOptions, String... args) {
    try {
      return new ProcessBuilder(command(jvmOptions, args))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The child's command line: java, its options, the test classpath, Main and {@code args}. */
  static List<String> command(List<String> jvmOptions, String... args) {
    List<String> options = new ArrayList<>();
    options.add("-Xmx1g");
    options.addAll(Launcher.C1_ONLY); // short runs: C1 only (testing/Launcher says why)
    options.add(
        "-Dlog4j2.configurationFile=" + Path.of("conf/spark/log4j2.properties").toAbsolutePath());
    options.add("-Dspark.ui.enabled=false");
    options.add("-Dspark.sql.shuffle.partitions=4");
    options.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    options.addAll(jvmOptions);
    return Jvm.command(options, "io.assay.cli.Main", List.of(args));
  }

  /** Waits until the log contains {@code line}; false if the process ended or time ran out. */
  static boolean await(Process p, Path log, String line, long timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (text(log).contains(line)) {
        return true;
      }
      if (!p.isAlive()) {
        return text(log).contains(line);
      }
      sleep(100);
    }
    return false;
  }

  /** SIGKILL {@code delayMillis} after {@code line} appears; returns whether the line appeared. */
  static boolean killAfter(Process p, Path log, String line, long delayMillis) throws Exception {
    boolean seen = await(p, log, line, 300);
    sleep(delayMillis);
    p.destroyForcibly();
    p.waitFor(60, TimeUnit.SECONDS);
    return seen;
  }

  /** Waits for the process and returns its exit code. */
  static int finish(Process p) throws InterruptedException {
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish in 10 minutes");
    }
    return p.exitValue();
  }

  static String text(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
