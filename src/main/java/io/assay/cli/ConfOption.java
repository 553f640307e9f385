package io.assay.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --conf DIR} option every command shares. */
public final class ConfOption {
  @Option(
      names = "--conf",
      paramLabel = "DIR",
      description =
          "Configuration directory (assay.yaml, metrics.yaml, experiments/). Default: $ASSAY_CONF,"
              + " else $ASSAY_HOME/conf, else ./conf.")
  Path conf;

  public Path dir() {
    if (conf != null) {
      return conf;
    }
    String env = System.getenv("ASSAY_CONF");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String home = System.getenv("ASSAY_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home, "conf");
    }
    return Path.of("conf");
  }
}
