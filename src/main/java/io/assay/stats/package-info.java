/**
 * The statistics engine: pure functions of sufficient statistics, with no Spark in them.
 *
 * <p>Spark reduces each experiment × arm × metric to a handful of sums ({@link
 * io.assay.stats.SampleMoments}, {@link io.assay.stats.BivariateMoments}); everything here runs on
 * the driver over those few numbers. Results never hold NaN or ±Infinity: a value that is undefined
 * for the data at hand is {@code null}, and the result carries an {@link io.assay.stats.ErrorCode}
 * saying why. The formulas, conventions and the evidence behind every number are in {@code
 * docs/statistics.md}.
 */
package io.assay.stats;
