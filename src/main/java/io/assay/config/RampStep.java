package io.assay.config;

import java.time.Instant;

/** From {@code at} on, the experiment admits {@code traffic} (a fraction in [0, 1]) of units. */
public record RampStep(Instant at, double traffic) {}
