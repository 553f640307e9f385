package io.assay.stats.decision;

import io.assay.stats.ErrorCode;

/**
 * A primary metric's result as the decision rule sees it.
 *
 * @param metric name, for the reasons
 * @param adjustedPValue p-value adjusted over the primary family (e.g. Holm), null if undefined
 * @param effect the estimated effect (absolute or relative: only its sign is used), null if
 *     undefined
 * @param increaseIsGood whether a positive effect is an improvement
 * @param error the result's error code, or null
 */
public record PrimaryResult(
    String metric, Double adjustedPValue, Double effect, boolean increaseIsGood, ErrorCode error) {}
