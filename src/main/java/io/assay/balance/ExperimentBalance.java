package io.assay.balance;

import io.assay.config.ExperimentDefinition;
import java.util.List;

/** Everything the balance stage found for one experiment version as of a date. */
record ExperimentBalance(
    ExperimentDefinition definition,
    List<CheckRow> checks,
    List<CovariateRow> covariates,
    List<BalanceAlert> alerts) {}
