package io.assay.config;

import java.util.List;
import java.util.stream.Collectors;

/** A definition or configuration is invalid. Carries every problem found, not just the first. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Problem> errors;
  private final transient List<Problem> warnings;

  public ConfigException(List<Problem> errors, List<Problem> warnings) {
    super(
        errors.size()
            + " configuration error(s):\n"
            + errors.stream().map(p -> "  " + p.render()).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
    this.warnings = List.copyOf(warnings);
  }

  public static ConfigException single(String file, String path, String message, String fix) {
    return new ConfigException(List.of(new Problem(file, path, message, fix)), List.of());
  }

  public List<Problem> errors() {
    return errors;
  }

  public List<Problem> warnings() {
    return warnings;
  }
}
