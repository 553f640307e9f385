package io.assay.config;

import java.nio.file.Path;

/**
 * A table that metrics read: Parquet or Delta, event-level or unit-day-level.
 *
 * @param path resolved location (relative paths in {@code metrics.yaml} resolve against the data
 *     root)
 * @param format {@code delta} or {@code parquet}
 * @param unitColumn column holding the randomization unit id
 * @param timeColumn timestamp or date column used for windows relative to first exposure
 */
public record MetricSource(
    String name, Path path, String format, String unitColumn, String timeColumn) {}
