package io.assay.cli;

import io.assay.config.ConfigException;
import io.assay.config.Problem;
import io.assay.io.ParquetEncodingOrder;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
      ImportCommand.class,
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
    // --out, --logs and the other data and output locations take a Hadoop URI or a path (relative
    // to the current directory).
    cl.registerConverter(io.assay.config.Location.class, Main::location);
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

  /** A location option's value; bad text is a usage error naming the value and the fix. */
  static io.assay.config.Location location(String text) {
    try {
      return io.assay.config.Location.parse(text, java.nio.file.Path.of(""));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  public static void main(String[] args) {
    ParquetEncodingOrder.fix(); // before anything else draws identity hash codes on this thread
    CommandLine cl = commandLine();
    // Output is UTF-8 whatever the locale: Java 17 would encode it in the locale's charset, and
    // under LC_ALL=C every non-ASCII character (an id, an arrow in a trace) would print as '?'.
    cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    String problem = argumentEncodingProblem(args, System.getProperty("sun.jnu.encoding"));
    int code;
    if (problem != null) {
      cl.getErr().println("error: " + problem);
      code = ExitCodes.CONFIG;
    } else {
      code = cl.execute(args);
    }
    cl.getOut().flush();
    cl.getErr().flush();
    System.exit(code);
  }

  /**
   * Why the command line cannot be trusted, or null. The JVM decodes its arguments in the locale's
   * charset ({@code sun.jnu.encoding}, which no {@code -D} option changes); arguments are UTF-8
   * text, so under another charset (LC_ALL=C: US-ASCII) a non-ASCII argument arrives with its bytes
   * replaced by {@code ?} or misread — a unit id would hash as another id. An argument that is
   * plain ASCII without {@code ?} reads the same in every charset, so only the others are refused;
   * {@code jobs/assay} always runs the JVM in a UTF-8 locale.
   */
  static String argumentEncodingProblem(String[] args, String encoding) {
    if (encoding == null || utf8(encoding)) {
      return null;
    }
    for (String a : args) {
      for (int i = 0; i < a.length(); i++) {
        char ch = a.charAt(i);
        if (ch > 0x7F || ch == '?') {
          return "the command line was decoded as "
              + encoding
              + ", not UTF-8, because the locale is not a UTF-8 one, so the argument '"
              + a
              + "' may have lost characters (its non-ASCII bytes are replaced). Fix: run through"
              + " jobs/assay, which sets a UTF-8 locale, or set one (export LC_ALL=C.UTF-8)";
        }
      }
    }
    return null;
  }

  private static boolean utf8(String encoding) {
    try {
      return Charset.forName(encoding).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
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
        || e instanceof io.assay.io.OutputCatalog.Conflict
        || e instanceof io.assay.io.OutputLock.Locked
        || e instanceof io.assay.io.ClaimLock.Lost
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
