package io.assay.cli;

/**
 * Process exit codes, for schedulers. Documented in {@code jobs/README.md}.
 *
 * <ul>
 *   <li>0 — success
 *   <li>1 — a run failed (an experiment or a stage failed, an input is unreadable, a check such as
 *       row conservation did not hold)
 *   <li>2 — bad configuration or usage: nothing was computed or written
 *   <li>3 — the run succeeded but raised alerts, and {@code --fail-on-alert} was given
 * </ul>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int CONFIG = 2;
  public static final int ALERT = 3;

  private ExitCodes() {}
}
