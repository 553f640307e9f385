package io.assay.generate;

import java.nio.file.Path;

/**
 * What to generate: where, how many units, how many days of exposures, the seed, whether to inject
 * faults and the format of the exposure logs. Everything the generator writes is a function of
 * these values and the configuration.
 *
 * @param out the world's directory (logs, metric sources, population, truth.json)
 * @param units number of units, at least 1
 * @param days number of days with exposures, starting at the earliest experiment start
 * @param seed the seed of every draw
 */
public record WorldSpec(
    Path out, long units, int days, long seed, FaultMode faults, LogFormat format) {

  /** The largest world: unit ids have at most 9 digits. */
  public static final long MAX_UNITS = 999_999_999L;

  public static final int MAX_DAYS = 366;

  /** Units per Spark partition and output file: a fixed size, so files never depend on cores. */
  static final long UNITS_PER_SLICE = 12_500;

  public WorldSpec {
    if (units < 1 || units > MAX_UNITS) {
      throw new IllegalArgumentException("units must be in [1, " + MAX_UNITS + "], was " + units);
    }
    if (days < 1 || days > MAX_DAYS) {
      throw new IllegalArgumentException("days must be in [1, " + MAX_DAYS + "], was " + days);
    }
  }

  /** Whether faults are injected ({@code --faults default}) or the world is clean. */
  public enum FaultMode {
    DEFAULT,
    NONE
  }

  /** The exposure log format: JSON lines (every fault) or Parquet (faults Parquet can hold). */
  public enum LogFormat {
    JSON,
    PARQUET
  }

  /** Number of slices of units: each is one Spark partition and one file of every output. */
  public int slices() {
    return (int) Math.max(1, (units + UNITS_PER_SLICE - 1) / UNITS_PER_SLICE);
  }

  /** Unit ids are {@code u} + the index zero-padded to this width (8, or more for huge worlds). */
  public int idWidth() {
    return Math.max(8, Long.toString(units - 1).length());
  }
}
