package io.assay.config;

/**
 * A table that metrics read: Parquet or Delta, event-level or unit-day-level.
 *
 * @param path resolved location, a Hadoop URI or a local path (relative paths in {@code
 *     metrics.yaml} resolve against the data root)
 * @param format {@code delta} or {@code parquet}
 * @param unitColumn column holding the randomization unit id
 * @param timeColumn timestamp or date column used for windows relative to first exposure
 */
public record MetricSource(
    String name, Location path, String format, String unitColumn, String timeColumn) {}
