package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Problem;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code assay validate}: checks every definition; exit 0, or 2 with every problem listed. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check every definition and the lock file; exit 2 on any problem.",
      "Checks assay.yaml, metrics.yaml, experiments/KEY/VERSION.yaml and experiments.lock.",
      "Reports every problem at once (file, field, fix); starts no Spark.",
      "Warnings (e.g. correlated GrowthBook v1 seeds) are printed but do not change the exit code."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    PrintWriter out = spec.commandLine().getOut();
    for (Problem w : c.warnings()) {
      spec.commandLine().getErr().println("warning: " + w.render());
    }
    out.printf(
        "OK: %s — %d experiment version(s), %d metric(s), %d source(s)%n",
        c.dir(),
        c.experiments().size(),
        c.catalog().metrics().size(),
        c.catalog().sources().size());
    for (ExperimentDefinition d : c.experiments()) {
      out.printf(
          "  %-32s %-14s %s → %s  arms %s%n",
          d.id(), d.hash().yaml, d.start(), d.end(), d.armKeys());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
