package io.assay.stats;

/**
 * Logarithmic buckets with relative accuracy {@code α}, as in DDSketch (Masson, Rim and Lee 2019,
 * "DDSketch: A Fast and Fully-Mergeable Quantile Sketch with Relative-Error Guarantees", PVLDB
 * 12(12)). Immutable.
 *
 * <pre>
 *   γ   = (1 + α)/(1 − α),   lnγ = StrictMath.log(γ)
 *   key(v)   = 0                                           for v = 0 (and −0.0)
 *            = sign(v)·(OFFSET + ⌈ln|v| / lnγ⌉)            otherwise
 *   value(k) = 0                                           for k = 0
 *            = sign(k)·2γ^j/(γ + 1) = sign(k)·(1 − α)·γ^j,  j = |k| − OFFSET
 * </pre>
 *
 * <p>A positive key {@code OFFSET + j} holds the values in {@code (γ^(j−1), γ^j]}; its
 * representative {@code 2γ^j/(γ + 1)} is at relative distance {@code (γ − 1)/(γ + 1) = α} from both
 * ends, so every value in the bucket is within a relative {@code α} of it. Negative values mirror
 * the positive ones. {@link #OFFSET} = 2²⁴ exceeds {@code |⌈ln|v|/lnγ⌉|} for every finite nonzero
 * double at every allowed accuracy (at most about 3.73·10⁶ at {@code α = 10⁻⁴}), so the sign of the
 * key is the sign of the value and keys sort in the order of the values: a larger {@code |v|} gives
 * a larger positive key for {@code v > 0} and a more negative key for {@code v < 0}.
 *
 * <p>Spark computes the same key as {@code signum(v) * (OFFSET + ceil(ln(abs(v)) / lnγ))}: Spark's
 * {@code log} is {@code StrictMath.log}, and with the same {@link #logGamma()} double the keys are
 * bit-identical. The formula must not change on one side only.
 *
 * <p>The accuracy bound holds for normal doubles ({@code |v| ≥ 2.2·10⁻³⁰⁸}); a subnormal value is
 * bucketed correctly, but its representative is rounded to the subnormal spacing. A representative
 * beyond {@code ±Double.MAX_VALUE} is clamped to it, which only moves it closer to the bucket's
 * values.
 */
public final class QuantileBuckets {
  /** The default relative accuracy: every quantile within 0.5% of a value of the data. */
  public static final double DEFAULT_ACCURACY = 0.005;

  /** Added to {@code ⌈ln|v|/lnγ⌉} so that the key of every nonzero value has the value's sign. */
  public static final long OFFSET = 1L << 24;

  private final double accuracy;
  private final double gamma;
  private final double logGamma;
  private final double scale; // 2/(γ + 1) = 1 − α, below 1: γ^j·scale overflows only if γ^j does

  /**
   * @param accuracy relative accuracy {@code α} in {@code [10⁻⁴, 0.1]}
   */
  public QuantileBuckets(double accuracy) {
    if (!(accuracy >= 1e-4 && accuracy <= 0.1)) {
      throw new IllegalArgumentException(
          "quantile_accuracy must be in [0.0001, 0.1], was " + accuracy);
    }
    this.accuracy = accuracy;
    this.gamma = (1 + accuracy) / (1 - accuracy);
    this.logGamma = StrictMath.log(gamma);
    this.scale = 2 / (gamma + 1);
  }

  /** The buckets with {@link #DEFAULT_ACCURACY}. */
  public static QuantileBuckets withDefaultAccuracy() {
    return new QuantileBuckets(DEFAULT_ACCURACY);
  }

  /** {@code α}. */
  public double accuracy() {
    return accuracy;
  }

  /** {@code γ = (1 + α)/(1 − α)}, the ratio of a bucket's upper to its lower end. */
  public double gamma() {
    return gamma;
  }

  /** {@code StrictMath.log(γ)}: the divisor of the key, shared bit for bit with Spark. */
  public double logGamma() {
    return logGamma;
  }

  /** {@code 2/(γ + 1)}: a bucket's value is {@code γ^j} times this ({@link #value(long)}). */
  public double scale() {
    return scale;
  }

  /**
   * The key of the bucket holding {@code v}: 0 for 0, else {@code sign(v)·(OFFSET + ⌈ln|v|/lnγ⌉)}.
   *
   * @throws IllegalArgumentException if {@code v} is NaN or infinite
   */
  public long key(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("value must be finite, was " + v);
    }
    if (v == 0) {
      return 0;
    }
    long magnitude = OFFSET + (long) Math.ceil(StrictMath.log(Math.abs(v)) / logGamma);
    return v > 0 ? magnitude : -magnitude;
  }

  /**
   * The representative value of bucket {@code key}: 0 for key 0, else {@code sign(key)·2γ^j/(γ +
   * 1)} with {@code j = |key| − OFFSET} and {@code γ^j = StrictMath.exp(j·lnγ)}; within a relative
   * {@code α} of every (normal) value whose key is {@code key}.
   */
  public double value(long key) {
    if (key == 0) {
      return 0;
    }
    long j = Math.abs(key) - OFFSET;
    double magnitude = Math.min(Double.MAX_VALUE, StrictMath.exp(j * logGamma) * scale);
    return key > 0 ? magnitude : -magnitude;
  }

  /**
   * The point at fraction {@code u ∈ [0, 1]} of bucket {@code key}'s range in value order,
   * interpolated so that {@code 1/|v|} is linear in {@code u}: for {@code key > 0}, {@code v(u) =
   * γ^j/(γ − u(γ − 1))}, running from {@code γ^(j−1)} at {@code u = 0} to {@code γ^j} at {@code u =
   * 1}, with {@code v(½) = 2γ^j/(γ + 1)} = {@link #value(long)} exactly. For {@code key < 0} the
   * mirror image, {@code −v_{|key|}(1 − u)}, so that a larger {@code u} is a larger value; 0 for
   * key 0. The result is inside the bucket's closed range, so within a factor {@code γ} of each of
   * its values; the ends of adjacent buckets meet, so it is continuous and nondecreasing in {@code
   * (key, u)} over consecutive keys.
   *
   * @throws IllegalArgumentException if {@code u} is not in {@code [0, 1]}
   */
  public double value(long key, double u) {
    if (!(u >= 0 && u <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1], was " + u);
    }
    if (key == 0) {
      return 0;
    }
    double f = key > 0 ? u : 1 - u; // fraction from the lower end of the magnitudes
    long j = Math.abs(key) - OFFSET;
    // γ^j·(2/(γ + 1))·(γ + 1)/(2γ − 2f(γ − 1)): γ − 1 and 2γ are exact, so f = ½ gives value(key).
    double w = (gamma + 1) / (2 * gamma - 2 * f * (gamma - 1));
    double magnitude = Math.min(Double.MAX_VALUE, StrictMath.exp(j * logGamma) * scale * w);
    return key > 0 ? magnitude : -magnitude;
  }
}
