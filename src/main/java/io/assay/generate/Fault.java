package io.assay.generate;

import io.assay.io.Category;
import java.util.Locale;

/**
 * The faults the generator injects into the exposure log. Each written row carries at most one.
 * Rows in quarantine carry {@link #QUARANTINE} and a {@link io.assay.reconcile.QuarantineReason}.
 */
public enum Fault {
  /** A logging bug drops every exposure of some units in one stratum and arm (nothing written). */
  SRM(null),
  /** A clean event written a second time, same {@code event_id}, same partition. */
  DUPLICATES(Category.MATCH),
  /** A clean event logged with another arm of the definition (instead of the served one). */
  WRONG_ARM(Category.WRONG_ARM),
  /** A clean event written into the partition of the day after its timestamp's date. */
  LATE(Category.MATCH),
  /** An extra event, on top of the correct ones, in another arm. */
  MULTIPLE_ARMS(Category.WRONG_ARM),
  /**
   * An extra copy of an event with its timestamp moved before the start or to/after the end,
   * written to the partition of the day it was logged (a client with a wrong clock).
   */
  OUTSIDE_WINDOW(Category.OUTSIDE_WINDOW),
  /** An extra event of a unit the eligibility condition excludes. */
  NOT_ELIGIBLE(Category.NOT_ELIGIBLE),
  /**
   * An extra event of a unit outside the traffic at that time, but inside at the next ramp step.
   */
  NOT_IN_TRAFFIC(Category.NOT_IN_TRAFFIC),
  /** An extra event of a unit outside the experiment's namespace slice. */
  NAMESPACE_CONFLICT(Category.NAMESPACE_CONFLICT),
  /** An extra event of a unit in a holdout the experiment respects. */
  HOLDOUT_CONFLICT(Category.HOLDOUT_CONFLICT),
  /** An extra, broken copy of an event, which the reconciler must quarantine. */
  QUARANTINE(null);

  private final Category category;

  Fault(Category category) {
    this.category = category;
  }

  /** The reconciliation category of a row with this fault; null when it is not accepted. */
  public Category category() {
    return category;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
