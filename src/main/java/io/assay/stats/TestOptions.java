package io.assay.stats;

/**
 * What every two-sample test needs to know besides the data. Immutable; change a copy with the
 * {@code withX} methods.
 *
 * @param alpha significance level in {@code (0, 1)}; intervals have coverage {@code 1 − alpha}
 * @param alternative two-sided (default), greater or less
 * @param minUnitsPerArm an arm with fewer units gets {@link ErrorCode#TOO_FEW_UNITS}; values below
 *     2 are treated as 2, the fewest units for which a variance exists
 */
public record TestOptions(double alpha, Alternative alternative, long minUnitsPerArm) {
  public TestOptions {
    Checks.probability("alpha", alpha);
    if (alternative == null) {
      throw new IllegalArgumentException("alternative must not be null");
    }
    minUnitsPerArm = Math.max(2, minUnitsPerArm);
  }

  /** alpha 0.05, two-sided, at least 2 units per arm. */
  public static TestOptions defaults() {
    return new TestOptions(0.05, Alternative.TWO_SIDED, 2);
  }

  public TestOptions withAlpha(double a) {
    return new TestOptions(a, alternative, minUnitsPerArm);
  }

  public TestOptions withAlternative(Alternative a) {
    return new TestOptions(alpha, a, minUnitsPerArm);
  }

  public TestOptions withMinUnitsPerArm(long m) {
    return new TestOptions(alpha, alternative, m);
  }

  /** {@link ErrorCode#EMPTY_ARM} or {@link ErrorCode#TOO_FEW_UNITS} when an arm is too small. */
  ErrorCode sizeProblem(long controlN, long treatmentN) {
    if (controlN == 0 || treatmentN == 0) {
      return ErrorCode.EMPTY_ARM;
    }
    if (controlN < minUnitsPerArm || treatmentN < minUnitsPerArm) {
      return ErrorCode.TOO_FEW_UNITS;
    }
    return null;
  }
}
