package io.assay.cli;

import io.assay.config.SpecNode;
import io.assay.config.growthbook.GrowthBookImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay import}: definitions from another experimentation system. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import experiment definitions from another system.",
      "Writes new definition versions under experiments/; run 'assay lock' afterwards."
    },
    subcommands = {ImportCommand.GrowthBook.class})
public final class ImportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name what to import from, e.g. 'assay import growthbook'");
  }

  /** {@code assay import growthbook --features FILE.json}. Pure Java: starts no Spark. */
  @Command(
      name = "growthbook",
      mixinStandardHelpOptions = true,
      description = {
        "Import the experiment rules of a GrowthBook SDK features payload.",
        "Each experiment rule becomes a definition version experiments/KEY/VERSION.yaml:",
        "hash growthbook_v1/v2, seed as salt, coverage as traffic, weights, variation keys as",
        "arms (meta[i].key, else the index), the first variation as control, hashAttribute as",
        "unit, the namespace and the condition as eligibility. An unchanged rule writes",
        "nothing; a changed one writes the next minor version. Fields that change assignment",
        "but cannot be expressed, unsupported condition operators, hashVersion other than 1",
        "or 2 and weights GrowthBook rejects are errors naming feature, rule and field (exit",
        "2, nothing written). Pure Java: starts no Spark."
      })
  static final class GrowthBook implements Callable<Integer> {
    @Mixin ConfOption conf;
    @Spec CommandSpec spec;

    @Option(
        names = "--features",
        required = true,
        paramLabel = "FILE.json",
        description =
            "The payload an SDK fetches (GET /api/features/SDK_KEY): features → rules. Not"
                + " encrypted.")
    Path features;

    @Option(
        names = "--start",
        paramLabel = "TIMESTAMP",
        description =
            "Window start of every version written: ISO-8601 UTC or a date (default: now). The"
                + " window has no end (9999-12-31).")
    String start;

    @Option(
        names = "--primary-metric",
        paramLabel = "NAME",
        split = ",",
        description =
            "Primary metric(s) of experiments imported for the first time (a GrowthBook payload"
                + " names no metrics); later versions keep their previous version's metrics.")
    List<String> primaryMetrics = List.of();

    @Option(
        names = "--owner",
        paramLabel = "TEXT",
        defaultValue = "growthbook",
        description =
            "Owner of experiments imported for the first time (default: ${DEFAULT-VALUE}).")
    String owner;

    @Option(
        names = "--no-sticky-bucketing",
        description =
            "The SDKs serving this payload use no sticky bucket service, so bucketVersion,"
                + " minBucketVersion and fallbackAttribute change nothing (else they are refused).")
    boolean noStickyBucketing;

    @Option(names = "--dry-run", description = "Print what would be written; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      if (start != null) {
        from = SpecNode.parseInstant(start);
        if (from == null) {
          throw new UsageProblem(
              "--start '" + start + "' is not a timestamp; write e.g. 2026-11-01T00:00:00Z");
        }
      }
      if (owner.isBlank()) {
        throw new UsageProblem("--owner is empty; name a team or an e-mail address");
      }
      GrowthBookImport.Plan plan =
          GrowthBookImport.plan(
              features,
              conf.dir(),
              new GrowthBookImport.Options(from, primaryMetrics, owner, noStickyBucketing));
      PrintWriter out = spec.commandLine().getOut();
      plan.notes().forEach(n -> out.println("note: " + n));
      for (String id : plan.unchanged()) {
        out.println("unchanged  " + id);
      }
      for (GrowthBookImport.Write w : plan.writes()) {
        out.println(
            (dryRun ? "would write " : "wrote      ")
                + conf.dir().relativize(w.file())
                + "  ("
                + w.previous()
                    .map(p -> "changed from " + p + ": " + String.join(", ", w.changed()))
                    .orElse("new experiment")
                + "; "
                + w.rule()
                + ")");
      }
      plan.warnings().forEach(w -> out.println("warning: " + w));
      if (plan.changesNothing()) {
        out.println(
            "nothing changed: "
                + plan.unchanged().size()
                + " experiment(s) match their latest versions");
      } else if (dryRun) {
        out.println("dry run: nothing written");
      } else {
        GrowthBookImport.write(plan);
        out.println(
            plan.writes().size()
                + " version(s) written; record them with: jobs/assay lock --conf "
                + conf.dir());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
