package io.assay.cli;

import io.assay.config.ConfigException;
import io.assay.config.Problem;
import io.assay.io.ParquetEncodingOrder;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code assay} command line. Each subcommand is thin: parse arguments, load and validate the
 * configuration (exit 2 on any problem, before Spark starts), plan, run, return an exit code. Only
 * {@link #main} calls {@code System.exit}.
 */
@Command(
    name = "assay",
    mixinStandardHelpOptions = true,
    versionProvider = io.assay.io.BuildInfo.class,
    description =
        "Spark batch jobs for A/B testing: recompute and reconcile assignments, check balance,"
            + " compute metrics and write reports.",
    subcommands = {
      ValidateCommand.class,
      LockCommand.class,
      ExplainCommand.class,
      AssignCommand.class,
      GenerateCommand.class,
      NightlyCommand.class,
      ReconcileCommand.class,
      BalanceCommand.class,
      AnalyzeCommand.class,
      ReportCommand.class,
      SqlCommand.class,
      ReproduceCommand.class,
      BenchCommand.class,
      StatsCommand.class,
      PowerCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 failure, 2 bad configuration or usage, 3 alerts with --fail-on-alert.",
      "Run 'assay COMMAND --help' for a command's options."
    })
public final class Main implements Runnable {
  @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A configured command line; tests call {@code execute} on it and read its exit code. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    // Output-root locks taken by a command are released when it ends, however it ends.
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    cl.setExecutionStrategy(
        parsed -> {
          int mark = io.assay.io.OutputLock.mark();
          try {
            return run.execute(parsed);
          } finally {
            io.assay.io.OutputLock.releaseTo(mark);
          }
        });
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  public static void main(String[] args) {
    ParquetEncodingOrder.fix(); // before anything else draws identity hash codes on this thread
    System.exit(commandLine().execute(args));
  }

  /** The exception's class and the first line of its message. */
  private static String firstLine(Throwable t) {
    String m = t.getMessage();
    String first = m == null ? "" : m.strip().lines().findFirst().orElse("");
    return t.getClass().getName() + (first.isEmpty() ? "" : ": " + first);
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (e instanceof ConfigException ce) {
      for (Problem p : ce.errors()) {
        err.println("error: " + p.render());
      }
      for (Problem p : ce.warnings()) {
        err.println("warning: " + p.render());
      }
      err.println(ce.errors().size() + " error(s); nothing was run.");
      err.flush();
      return ExitCodes.CONFIG;
    }
    if (e instanceof UsageProblem up) {
      err.println("error: " + up.getMessage());
      err.flush();
      return ExitCodes.CONFIG;
    }
    if (e instanceof io.assay.io.InputProblem
        || e instanceof io.assay.io.OutputLock.Locked
        || e instanceof io.assay.reconcile.ReconcileJob.ConservationFailure) {
      err.println("failed: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    err.println("failed: " + firstLine(e));
    // The cause names what failed (e.g. the unreadable file behind a Spark job failure).
    java.util.Set<String> shown = new java.util.HashSet<>();
    int depth = 0;
    for (Throwable c = e.getCause(); c != null && depth < 8; c = c.getCause(), depth++) {
      String line = firstLine(c);
      if (shown.add(line)) {
        err.println("  caused by: " + line);
      }
    }
    org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", e);
    err.flush();
    return ExitCodes.FAILURE;
  }
}
