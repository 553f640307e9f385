package io.assay.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lock file {@code conf/experiments.lock}: one line {@code KEY VERSION SHA256} per experiment
 * version ever released. A definition whose canonical content no longer has its recorded hash
 * changed in place, which breaks reproducibility of every report built on it; validation rejects it
 * and asks for a new version file instead. {@code assay lock} appends lines for new versions and
 * never rewrites existing ones.
 */
public final class DefinitionLock {
  public static final String FILE_NAME = "experiments.lock";
  private static final String HEADER =
      "# assay definition lock: KEY VERSION SHA256 of each released experiment version.\n"
          + "# Written by `jobs/assay lock`. Never edit a line: a changed definition needs a new"
          + " version file.\n";

  private final Map<String, String> hashes;

  private DefinitionLock(Map<String, String> hashes) {
    this.hashes = hashes;
  }

  /**
   * Reads the lock; an absent file is an empty lock. A lock that exists but cannot be read (a
   * symbolic link loop, permission denied) and malformed lines are reported as problems.
   */
  public static DefinitionLock read(Path file, String shownName, Problems problems) {
    Map<String, String> m = new LinkedHashMap<>();
    if (ConfPaths.probe(file).kind() == ConfPaths.Kind.MISSING) {
      return new DefinitionLock(m);
    }
    if (!ConfPaths.check(file, ConfPaths.Kind.FILE, shownName, problems)) {
      return new DefinitionLock(m);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.AccessDeniedException e) {
      problems.error(
          shownName,
          "",
          "permission denied: the file cannot be read",
          "give the user running assay read permission on it (chmod a+r " + shownName + ")");
      return new DefinitionLock(m);
    } catch (IOException e) {
      problems.error(
          shownName,
          "",
          "the file cannot be read: " + ConfPaths.reason(e),
          "check the file and the disk it is on");
      return new DefinitionLock(m);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 3 || !parts[2].matches("[0-9a-f]{64}")) {
        problems.error(
            shownName,
            "line " + (i + 1),
            "expected 'KEY VERSION SHA256', found '" + line + "'",
            "restore the line from version control");
        continue;
      }
      String id = parts[0] + "@" + parts[1];
      if (m.containsKey(id)) {
        problems.error(shownName, "line " + (i + 1), id + " is locked twice", "keep one line");
      }
      m.put(id, parts[2]);
    }
    return new DefinitionLock(m);
  }

  public static boolean exists(Path confDir) {
    return ConfPaths.probe(confDir.resolve(FILE_NAME)).kind() != ConfPaths.Kind.MISSING;
  }

  /** The recorded hash of {@code key@version}, or null when that version is not locked yet. */
  public String hashOf(String id) {
    return hashes.get(id);
  }

  /**
   * Appends a line for every definition not yet locked, leaving existing lines untouched.
   *
   * @return the ids newly locked
   */
  public static List<String> appendNew(Path confDir, List<ExperimentDefinition> defs) {
    Problems p = new Problems();
    Path file = confDir.resolve(FILE_NAME);
    DefinitionLock lock = read(file, file.toString(), p);
    p.throwIfErrors();
    List<String> added = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (ExperimentDefinition d : defs) {
      if (lock.hashOf(d.id()) == null) {
        b.append(d.key()).append(' ').append(d.version()).append(' ').append(d.sha256());
        b.append('\n');
        added.add(d.id());
      }
    }
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, HEADER, StandardCharsets.UTF_8);
      }
      if (b.length() > 0) {
        Files.writeString(
            file, b.toString(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return added;
  }
}
