package io.assay.config;

import java.util.OptionalDouble;

/**
 * Winsorization of per-unit values: either a fixed cap or a percentile of the pooled (all arms)
 * per-unit distribution, so that every arm is capped at the same value.
 */
public record Cap(OptionalDouble value, OptionalDouble percentile) {}
