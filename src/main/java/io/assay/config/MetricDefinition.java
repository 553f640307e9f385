package io.assay.config;

import java.util.Optional;

/**
 * One metric of the catalog ({@code conf/metrics.yaml}).
 *
 * @param numerator what to sum per unit (for ratio metrics the numerator)
 * @param denominator the denominator of a ratio metric; empty for other kinds
 * @param window the analysis window relative to each unit's first exposure
 * @param cupedWindow a pre-exposure window of the same metric, used as the CUPED covariate
 * @param increaseIsGood the direction in which a change is an improvement
 * @param nonInferiorityMargin for guardrails: the largest tolerated relative change in the bad
 *     direction (0.02 = 2%)
 */
public record MetricDefinition(
    String name,
    String description,
    MetricKind kind,
    Measure numerator,
    Optional<Measure> denominator,
    Window window,
    Optional<Cap> cap,
    Optional<Window> cupedWindow,
    boolean increaseIsGood,
    Optional<Double> nonInferiorityMargin,
    Optional<Quantile> quantile) {}
