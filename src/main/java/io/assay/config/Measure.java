package io.assay.config;

import java.util.Optional;

/**
 * What to sum per unit from one source: a Spark SQL value expression over the source's columns and
 * an optional Spark SQL filter selecting qualifying rows.
 */
public record Measure(String source, String value, Optional<String> filter) {}
