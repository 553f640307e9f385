package io.assay.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects problems so that validation can report every one of them at once. */
public final class Problems {
  private final List<Problem> errors = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  public void error(String file, String path, String message, String fix) {
    errors.add(new Problem(file, path, message, fix));
  }

  public void warning(String file, String path, String message, String fix) {
    warnings.add(new Problem(file, path, message, fix));
  }

  public List<Problem> errors() {
    return Collections.unmodifiableList(errors);
  }

  public List<Problem> warnings() {
    return Collections.unmodifiableList(warnings);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Throws a {@link ConfigException} holding every error collected so far, if there is any. */
  public void throwIfErrors() {
    if (hasErrors()) {
      throw new ConfigException(errors, warnings);
    }
  }
}
