package io.assay.pipeline;

import io.assay.config.Conf;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every stage of one run shares: the resolved configuration, the run id stamped on every
 * output row, the output root and the pseudonymization key. The run id is the only value derived
 * from the clock; results never depend on it.
 */
public record RunContext(Conf conf, String runId, Path outputRoot, Optional<String> pseudonymKey) {
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A new run id: UTC start time plus a random suffix, e.g. {@code 20261125T154500Z-3fa9c1}. */
  public static String newRunId() {
    return ID.format(Instant.now())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(0x1000000));
  }

  /** The location of an output table. */
  public Path table(String name) {
    return outputRoot.resolve(name);
  }
}
