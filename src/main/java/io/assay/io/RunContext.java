package io.assay.io;

import io.assay.config.Conf;
import io.assay.config.Location;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every stage of one run shares: the resolved configuration, the run id stamped on every
 * output row, the output root, the pseudonymization key, the run log (inputs read and outputs
 * written), and — when reproducing an earlier run — the Delta versions to read each input at. The
 * run id is the only value derived from the clock; results never depend on it.
 *
 * @param inputRoot where upstream output tables are read (the output root, except when reproducing
 *     a run: then the original run's root, while results go to a scratch root)
 * @param pins input Delta versions to read, by URI (empty: read the latest)
 */
public record RunContext(
    Conf conf,
    String runId,
    Location outputRoot,
    Optional<String> pseudonymKey,
    RunLog log,
    Location inputRoot,
    Map<String, Long> pins) {
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  public RunContext {
    pins = Map.copyOf(pins);
  }

  /** A context for a new run of {@code command}, recording the definitions it can use. */
  public static RunContext start(
      Conf conf, Location outputRoot, Optional<String> key, String command, List<String> args) {
    Instant now = Instant.now();
    RunLog log = new RunLog(command, args, now);
    conf.experiments().forEach(d -> log.definition(d.id(), d.sha256()));
    for (String site : List.of("assay.yaml", "metrics.yaml")) {
      log.definition(site, fileSha256(conf.dir().resolve(site)));
    }
    log.parameter("output_root", outputRoot.toString());
    log.parameter("multi_arm_policy", conf.assay().reconcile().multiArmPolicy());
    log.parameter(
        "late_lookback_days", String.valueOf(conf.assay().reconcile().lateLookbackDays()));
    log.parameter("pseudonymized", String.valueOf(key.isPresent()));
    return new RunContext(conf, newRunId(now), outputRoot, key, log, outputRoot, Map.of());
  }

  /** SHA-256 (hex) of a file's bytes, or {@code missing}. */
  public static String fileSha256(Path file) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(java.nio.file.Files.readAllBytes(file));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.nio.file.NoSuchFileException e) {
      return "missing";
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash " + file, e);
    }
  }

  /** A context for tests and embedded use: a fixed run id and an empty log. */
  public static RunContext of(Conf conf, String runId, Location outputRoot, Optional<String> key) {
    return new RunContext(
        conf,
        runId,
        outputRoot,
        key,
        new RunLog("embedded", List.of(), Instant.now()),
        outputRoot,
        Map.of());
  }

  /**
   * The same run reproducing another: upstream tables are read from {@code inputRoot} at the pinned
   * Delta versions, results are written under this context's output root.
   */
  public RunContext reproducing(Location inputRoot, Map<String, Long> versions) {
    return new RunContext(conf, runId, outputRoot, pseudonymKey, log, inputRoot, versions);
  }

  /** A new run id: UTC start time plus a random suffix, e.g. {@code 20261125T154500Z-3fa9c1}. */
  static String newRunId(Instant now) {
    return ID.format(now)
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(0x1000000));
  }

  /** Where this run writes an output table. */
  public Location table(String name) {
    return outputRoot.resolve(name);
  }

  /** Where this run reads an upstream output table (written by an earlier stage). */
  public Location input(String name) {
    return inputRoot.resolve(name);
  }

  /** Where this run writes an output table. */
  public Location table(OutputTable table) {
    return table(table.name());
  }

  /** Where this run reads an upstream output table (written by an earlier stage). */
  public Location input(OutputTable table) {
    return input(table.name());
  }
}
