package io.assay.config;

import java.util.Objects;

/**
 * One thing wrong with a definition: where it is (file and field path), what is wrong, and what to
 * do about it. Problems are values; a loader collects all of them before failing.
 */
public record Problem(String file, String path, String message, String fix) {
  public Problem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code file: path: message. Fix: fix} — the form users see on stderr. */
  public String render() {
    StringBuilder b = new StringBuilder(file);
    if (!path.isEmpty()) {
      b.append(": ").append(path);
    }
    b.append(": ").append(message);
    if (fix != null && !fix.isEmpty()) {
      b.append(". Fix: ").append(fix);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
