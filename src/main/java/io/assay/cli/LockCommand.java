package io.assay.cli;

import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.pipeline.Definitions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code assay lock}: records the SHA-256 of every new experiment version in the lock file. */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    description = {
      "Record new experiment versions in experiments.lock.",
      "Existing lines are never changed.",
      "Commit the lock file with the definitions: validation then rejects any in-place edit."
    })
public final class LockCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var c = Definitions.load(conf.dir(), ConfigLoader.LockMode.ALLOW_NEW);
    List<String> added = DefinitionLock.appendNew(conf.dir(), c.experiments());
    var out = spec.commandLine().getOut();
    if (added.isEmpty()) {
      out.println("lock up to date: " + c.experiments().size() + " version(s) recorded");
    } else {
      added.forEach(id -> out.println("locked " + id));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
