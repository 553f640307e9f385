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
