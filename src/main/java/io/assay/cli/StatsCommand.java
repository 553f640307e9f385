package io.assay.cli;

import io.assay.stats.json.InvalidRequestException;
import io.assay.stats.json.StatsAnalysis;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code assay stats}: analyse one metric from its per-arm sufficient statistics. Reads a JSON
 * request (see {@code docs/statistics.md}) from {@code --input} or standard input and prints the
 * JSON report. Exit 0 on success, 2 on invalid input (every problem on stderr, one per line).
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Effects, confidence intervals, p-values and power for one metric, from per-arm sums"
          + " (mean, binomial, ratio, with or without CUPED) or value buckets (quantile).",
      "Reads a JSON request (kind, alpha, alternative, control, arms with n, sum, sum_squares…)"
          + " and prints a JSON report. See docs/statistics.md §11."
    })
public final class StatsCommand implements Callable<Integer> {
  static final int INVALID_INPUT = 2;

  @Spec CommandSpec spec;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "FILE",
      description = "Request file (JSON); standard input when absent or '-'.")
  Path input;

  private final InputStream stdin;

  public StatsCommand() {
    this(System.in);
  }

  /** With the given standard input (for tests and embedding). */
  public StatsCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() {
    String request;
    try {
      request =
          input == null || input.toString().equals("-")
              ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(input, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      spec.commandLine().getErr().println("--input: file not found: " + input);
      return INVALID_INPUT;
    } catch (IOException e) {
      spec.commandLine().getErr().println("--input: cannot read: " + e.getMessage());
      return INVALID_INPUT;
    }
    try {
      spec.commandLine().getOut().println(StatsAnalysis.run(request));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (InvalidRequestException e) {
      for (String p : e.problems()) {
        spec.commandLine().getErr().println(p);
      }
      spec.commandLine().getErr().flush();
      return INVALID_INPUT;
    }
  }
}
