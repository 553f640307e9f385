package io.assay.config;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything a run needs, resolved and validated once: the site configuration, the metric catalog
 * and every experiment version. Immutable; built by {@link ConfigLoader}.
 */
public record Conf(
    Path dir,
    AssayConfig assay,
    MetricCatalog catalog,
    List<ExperimentDefinition> experiments,
    List<Problem> warnings) {

  public Conf {
    experiments = List.copyOf(experiments);
    warnings = List.copyOf(warnings);
  }

  public Optional<ExperimentDefinition> experiment(String key, String version) {
    return experiments.stream()
        .filter(e -> e.key().equals(key) && e.version().toString().equals(version))
        .findFirst();
  }

  /** The highest version of an experiment. */
  public Optional<ExperimentDefinition> latest(String key) {
    return experiments.stream()
        .filter(e -> e.key().equals(key))
        .max(Comparator.comparing(ExperimentDefinition::version));
  }

  /**
   * Resolves {@code KEY} (latest version) or {@code KEY@VERSION}; throws a {@link ConfigException}
   * naming the known experiments when there is no such definition.
   */
  public ExperimentDefinition resolve(String ref) {
    int at = ref.indexOf('@');
    Optional<ExperimentDefinition> d =
        at < 0 ? latest(ref) : experiment(ref.substring(0, at), ref.substring(at + 1));
    return d.orElseThrow(
        () ->
            ConfigException.single(
                dir.resolve("experiments").toString(),
                "",
                "no experiment definition '" + ref + "'",
                "use one of "
                    + String.join(
                        ", ", experiments.stream().map(ExperimentDefinition::id).toList())));
  }

  public List<String> keys() {
    return experiments.stream().map(ExperimentDefinition::key).distinct().toList();
  }
}
