package io.assay.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Resolves a configuration directory into a validated {@link Conf}, or fails with a {@link
 * ConfigException} listing every problem found (file, field path, what to do).
 *
 * <pre>
 * DIR/assay.yaml                       site configuration
 * DIR/metrics.yaml                     metric catalog
 * DIR/experiments/KEY/VERSION.yaml     one immutable file per experiment version
 * DIR/experiments.lock                 SHA-256 of every released version
 * </pre>
 *
 * <p>No Spark here: this runs before a session starts, so a bad definition costs nothing.
 */
public final class ConfigLoader {

  /** What to do with definitions that the lock file does not list yet. */
  public enum LockMode {
    /** Changed definitions and (when a lock file exists) unlocked ones are errors. */
    ENFORCE,
    /** Changed definitions are errors; unlocked ones are fine (used by {@code assay lock}). */
    ALLOW_NEW
  }

  /**
   * A definition file about to be written (by an import): validated with the files on disk as if it
   * were among them, so that a write that would leave the directory invalid never happens.
   *
   * @param file where it would be written, {@code DIR/experiments/KEY/VERSION.yaml}
   */
  public record PendingDefinition(Path file, String key, String version, String text) {}

  private ConfigLoader() {}

  public static Conf load(Path confDir) {
    return load(confDir, LockMode.ENFORCE);
  }

  public static Conf load(Path confDir, LockMode lockMode) {
    return load(confDir, lockMode, List.of(), false);
  }

  /**
   * Loads a directory together with definitions that are not written yet ({@code pending}), with
   * {@link LockMode#ALLOW_NEW}. With {@code allowNoDefinitions}, a directory without {@code
   * experiments/} or without any definition is not an error: an import may be about to write the
   * first ones.
   */
  public static Conf loadWith(
      Path confDir, List<PendingDefinition> pending, boolean allowNoDefinitions) {
    return load(confDir, LockMode.ALLOW_NEW, pending, allowNoDefinitions);
  }

  /**
   * Reads one definition from its text, checking what a single file can show (not the metric
   * catalog, namespaces or the lock); null with the problems recorded when it is invalid.
   */
  public static ExperimentDefinition parseDefinition(
      String text, String shownFile, String key, String version, Problems problems) {
    YamlNode.Mapping tree = Yaml.parse(text, shownFile, problems);
    return tree == null ? null : ExperimentReader.read(tree, shownFile, key, version, problems);
  }

  private static Conf load(
      Path confDir,
      LockMode lockMode,
      List<PendingDefinition> pending,
      boolean allowNoDefinitions) {
    Problems problems = new Problems();
    if (ConfPaths.probe(confDir).kind() == ConfPaths.Kind.MISSING) {
      throw ConfigException.single(
          confDir.toString(),
          "",
          "configuration directory not found",
          "pass --conf DIR pointing at a directory holding assay.yaml");
    }
    if (!ConfPaths.check(confDir, ConfPaths.Kind.DIRECTORY, confDir.toString(), problems)) {
      problems.throwIfErrors();
    }
    Path assayFile = confDir.resolve("assay.yaml");
    YamlNode.Mapping assayTree = Yaml.read(assayFile, assayFile.toString(), problems);
    AssayConfig assay =
        assayTree == null
            ? null
            : AssayConfigReader.read(assayTree, assayFile.toString(), confDir, problems);

    Path metricsFile = confDir.resolve("metrics.yaml");
    YamlNode.Mapping metricsTree = Yaml.read(metricsFile, metricsFile.toString(), problems);
    Location dataRoot = assay == null ? Location.local(confDir) : assay.dataRoot();
    MetricCatalog catalog =
        metricsTree == null
            ? null
            : MetricCatalogReader.read(metricsTree, metricsFile.toString(), dataRoot, problems);

    List<ExperimentDefinition> experiments =
        readExperiments(confDir, problems, !pending.isEmpty() || allowNoDefinitions);
    for (PendingDefinition p : pending) {
      ExperimentDefinition d =
          parseDefinition(p.text(), p.file().toString(), p.key(), p.version(), problems);
      if (d != null) {
        experiments.add(d);
      }
    }
    experiments.sort(
        Comparator.comparing(ExperimentDefinition::key)
            .thenComparing(ExperimentDefinition::version));

    if (assay != null && catalog != null) {
      crossCheck(assay, catalog, experiments, problems);
      SchemeChecks.check(assay, experiments, problems);
    }
    checkLock(confDir, experiments, lockMode, problems);
    problems.throwIfErrors();
    return new Conf(confDir, assay, catalog, experiments, problems.warnings());
  }

  /**
   * Every {@code experiments/KEY/VERSION.yaml}. The directory must exist and hold at least one
   * definition: without definitions a run would quarantine every logged row as an unknown
   * experiment. A directory that cannot be read (a symbolic link loop, permission denied) is an
   * error naming the reason, never an empty directory.
   */
  private static List<ExperimentDefinition> readExperiments(
      Path confDir, Problems problems, boolean mayBeEmpty) {
    Path dir = confDir.resolve("experiments");
    String shown = dir.toString();
    List<ExperimentDefinition> out = new ArrayList<>();
    if (ConfPaths.probe(dir).kind() == ConfPaths.Kind.MISSING) {
      if (mayBeEmpty) {
        return out;
      }
      problems.error(
          shown,
          "",
          "no experiments directory",
          "create experiments/KEY/VERSION.yaml, one file per experiment version (see"
              + " docs/configuration.md)");
      return out;
    }
    if (!ConfPaths.check(dir, ConfPaths.Kind.DIRECTORY, shown, problems)) {
      return out;
    }
    List<Path> keyDirs = ConfPaths.list(dir, shown, problems);
    if (keyDirs == null) {
      return out;
    }
    int errorsBefore = problems.errors().size();
    int definitionFiles = 0;
    for (Path keyDir : keyDirs) {
      ConfPaths.Kind kind = ConfPaths.probe(keyDir).kind();
      if (kind == ConfPaths.Kind.FILE || kind == ConfPaths.Kind.SPECIAL) {
        problems.error(
            keyDir.toString(),
            "",
            "unexpected file in experiments/",
            "store definitions as experiments/KEY/VERSION.yaml");
        continue;
      }
      if (!ConfPaths.check(keyDir, ConfPaths.Kind.DIRECTORY, keyDir.toString(), problems)) {
        continue;
      }
      List<Path> files = ConfPaths.list(keyDir, keyDir.toString(), problems);
      if (files == null) {
        continue;
      }
      if (files.isEmpty()) {
        problems.warning(
            keyDir.toString(),
            "",
            "holds no definition",
            "add VERSION.yaml files to it, or remove the directory");
      }
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".yaml")) {
          problems.error(
              f.toString(),
              "",
              "unexpected file; definitions are VERSION.yaml",
              "rename it to VERSION.yaml or move it out of experiments/");
          continue;
        }
        definitionFiles++;
        YamlNode.Mapping tree = Yaml.read(f, f.toString(), problems);
        if (tree == null) {
          continue;
        }
        String version = name.substring(0, name.length() - ".yaml".length());
        ExperimentDefinition d =
            ExperimentReader.read(
                tree, f.toString(), keyDir.getFileName().toString(), version, problems);
        if (d != null) {
          out.add(d);
        }
      }
    }
    if (definitionFiles == 0 && !mayBeEmpty && problems.errors().size() == errorsBefore) {
      problems.error(
          shown,
          "",
          "no experiment definitions: the directory holds no KEY/VERSION.yaml file",
          "add one file per experiment version, e.g. experiments/checkout_button/1.0.0.yaml (see"
              + " docs/configuration.md)");
    }
    out.sort(
        Comparator.comparing(ExperimentDefinition::key)
            .thenComparing(ExperimentDefinition::version));
    return out;
  }

  private static void crossCheck(
      AssayConfig assay,
      MetricCatalog catalog,
      List<ExperimentDefinition> experiments,
      Problems problems) {
    for (ExperimentDefinition d : experiments) {
      String f = d.sourceFile();
      checkMetrics(d, "primary", d.metrics().primary(), catalog, problems);
      checkMetrics(d, "secondary", d.metrics().secondary(), catalog, problems);
      checkMetrics(d, "guardrails", d.metrics().guardrails(), catalog, problems);
      for (String g : d.metrics().guardrails()) {
        catalog
            .metric(g)
            .filter(m -> m.nonInferiorityMargin().isEmpty())
            .ifPresent(
                m ->
                    problems.warning(
                        f,
                        "metrics.guardrails",
                        "guardrail '" + g + "' has no non_inferiority_margin in metrics.yaml",
                        "set one, or its verdict is only 'no significant harm'"));
      }
      // A GrowthBook namespace needs no declaration: its position is GrowthBook's hash of "__" +
      // the name, which uses no salt (decision 0012).
      d.namespace()
          .filter(
              ns -> d.hash() != HashScheme.GROWTHBOOK_V1 && d.hash() != HashScheme.GROWTHBOOK_V2)
          .ifPresent(
              ns -> {
                if (assay.namespace(ns.namespace()).isEmpty()) {
                  problems.error(
                      f,
                      "namespace.name",
                      "namespace '" + ns.namespace() + "' is not declared in assay.yaml",
                      "declare it under namespaces: in assay.yaml, or fix the name");
                }
              });
      d.holdout()
          .ifPresent(
              h -> {
                if (assay.holdout(h).isEmpty()) {
                  problems.error(
                      f,
                      "holdout",
                      "holdout '" + h + "' is not declared in assay.yaml",
                      "declare it under holdouts: in assay.yaml, or fix the name");
                }
              });
    }
    // Experiments sharing a namespace must own disjoint slices while both are live. Versions of one
    // experiment may reuse their own slice.
    for (int i = 0; i < experiments.size(); i++) {
      for (int j = i + 1; j < experiments.size(); j++) {
        ExperimentDefinition a = experiments.get(i);
        ExperimentDefinition b = experiments.get(j);
        if (a.key().equals(b.key()) || a.namespace().isEmpty() || b.namespace().isEmpty()) {
          continue;
        }
        NamespaceRange ra = a.namespace().get();
        NamespaceRange rb = b.namespace().get();
        boolean liveTogether = a.start().isBefore(b.end()) && b.start().isBefore(a.end());
        if (ra.overlaps(rb) && liveTogether) {
          overlap(b, rb, a, ra, problems);
          overlap(a, ra, b, rb, problems);
        }
      }
    }
  }

  private static void overlap(
      ExperimentDefinition d,
      NamespaceRange r,
      ExperimentDefinition other,
      NamespaceRange o,
      Problems problems) {
    problems.error(
        d.sourceFile(),
        "namespace.range",
        String.format(
            "range [%s, %s) of namespace '%s' overlaps [%s, %s) of %s while both run",
            r.start(), r.end(), r.namespace(), o.start(), o.end(), other.id()),
        "give the experiments disjoint ranges of the namespace");
  }

  private static void checkMetrics(
      ExperimentDefinition d,
      String role,
      List<String> names,
      MetricCatalog catalog,
      Problems problems) {
    for (int i = 0; i < names.size(); i++) {
      if (catalog.metric(names.get(i)).isEmpty()) {
        problems.error(
            d.sourceFile(),
            "metrics." + role + "[" + i + "]",
            "metric '" + names.get(i) + "' is not in the metric catalog",
            "define it in metrics.yaml or use one of "
                + String.join(", ", catalog.metrics().keySet()));
      }
    }
  }

  private static void checkLock(
      Path confDir, List<ExperimentDefinition> experiments, LockMode mode, Problems problems) {
    Path lockFile = confDir.resolve(DefinitionLock.FILE_NAME);
    boolean exists = DefinitionLock.exists(confDir);
    DefinitionLock lock = DefinitionLock.read(lockFile, lockFile.toString(), problems);
    if (!exists && !experiments.isEmpty()) {
      problems.warning(
          lockFile.toString(),
          "",
          "no lock file, so in-place changes to definitions are not detected",
          "run jobs/assay lock --conf " + confDir);
    }
    for (ExperimentDefinition d : experiments) {
      String recorded = lock.hashOf(d.id());
      if (recorded == null) {
        if (exists && mode == LockMode.ENFORCE) {
          problems.error(
              d.sourceFile(),
              "",
              d.id() + " is not recorded in " + DefinitionLock.FILE_NAME,
              "run jobs/assay lock --conf " + confDir + " to record this new version");
        }
      } else if (!recorded.equals(d.sha256())) {
        lockMismatch(d, recorded, problems);
      }
    }
  }

  private static void lockMismatch(ExperimentDefinition d, String recorded, Problems problems) {
    String hashes =
        "(sha256 " + d.sha256().substring(0, 12) + "…, locked " + recorded.substring(0, 12) + "…)";
    var legacy = LegacyReading.explain(java.nio.file.Path.of(d.sourceFile()), recorded);
    if (legacy.isEmpty()) {
      problems.error(
          d.sourceFile(),
          "",
          "the content of "
              + d.id()
              + " changed after it was locked "
              + hashes
              + "; definitions are immutable",
          "restore this file and put the change in a new version file, e.g. experiments/"
              + d.key()
              + "/"
              + nextVersion(d.version())
              + ".yaml");
      return;
    }
    String line = d.key() + " " + d.version() + " " + d.sha256();
    List<LegacyReading.Rewrite> rewrites = legacy.get();
    if (rewrites.isEmpty()) {
      problems.error(
          d.sourceFile(),
          "",
          d.id()
              + " is unchanged since it was locked, but its lock line holds the hash of an older"
              + " assay, which hashed unquoted numbers in text fields as numbers "
              + hashes,
          "its meaning is unchanged: replace its line in "
              + DefinitionLock.FILE_NAME
              + " with '"
              + line
              + "'");
      return;
    }
    problems.error(
        d.sourceFile(),
        "",
        d.id()
            + " is unchanged since it was locked, but it was locked by an older assay, which read"
            + " unquoted numbers in text fields as numbers and rewrote them ("
            + String.join("; ", rewrites.stream().map(Object::toString).toList())
            + "); assay now reads text fields exactly as written, so this version now means"
            + " something else than when it was locked "
            + hashes,
        "runs of this version used the old values: if the online system used the text as written,"
            + " rerun the dates computed with this version, then replace its line in "
            + DefinitionLock.FILE_NAME
            + " with '"
            + line
            + "'"
            + (rewrites.stream().allMatch(r -> Yaml.legacyBare(r.oldText()))
                ? "; to keep the old values instead, write them as they were read ("
                    + String.join(
                        ", ", rewrites.stream().map(r -> r.path() + ": " + r.oldText()).toList())
                    + "), which keeps the lock line"
                : ""));
  }

  static String nextVersion(SemVer v) {
    return v.major() + "." + (v.minor() + 1) + ".0";
  }
}
