package io.assay.config;

/**
 * A table that metrics read, event-level or unit-day-level: files (Parquet or Delta) at a location,
 * a table of the session catalog, or a SQL query.
 *
 * @param source where the rows come from; relative paths in {@code metrics.yaml} resolve against
 *     the data root
 * @param unitColumn column holding the randomization unit id
 * @param timeColumn timestamp or date column used for windows relative to first exposure
 */
public record MetricSource(String name, Source source, String unitColumn, String timeColumn) {}
