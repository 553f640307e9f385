package io.assay.assignment;

/**
 * Permuted-block randomization for a known population (stratified batch assignment).
 *
 * <p>Within each stratum, units are ordered by their native hash under the experiment's salt and
 * cut into consecutive blocks of {@link #blockSize} units. Each block holds every arm exactly
 * {@code w_i · B} times; which slot gets which arm is a permutation drawn per (stratum, block) from
 * the hash of the slot — so every complete block is exactly balanced and each arm's count in a
 * stratum differs from {@code w_i · n} by less than one block. Deterministic for a salt.
 *
 * <pre>
 * key(s)   = XXH64(UTF-8 of salt + ":block:" + stratum + ":" + block + ":" + s, seed 42), signed
 * rank(s)  = #{ s' in [0, B) : key(s') &lt; key(s), or key(s') = key(s) and s' &lt; s }
 * arm(s)   = pattern[rank(s)],  pattern = arm 0 repeated w_0·B times, then arm 1, ...
 * </pre>
 */
public final class BlockDesign {
  public static final int MAX_BLOCK = 1000;
  private static final double EPS = 1e-9;

  private BlockDesign() {}

  /**
   * The smallest block size B ≤ 1000 in which every weight times B is a whole number.
   *
   * @throws IllegalArgumentException when no such block exists (e.g. weights like 1/√2)
   */
  public static int blockSize(double[] weights) {
    for (int b = 1; b <= MAX_BLOCK; b++) {
      boolean whole = true;
      for (double w : weights) {
        double x = w * b;
        if (Math.abs(x - Math.rint(x)) > EPS * b) {
          whole = false;
          break;
        }
      }
      if (whole) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "weights cannot be laid out in blocks of at most " + MAX_BLOCK + " units");
  }

  /** Arm index of each slot before permutation: arm 0 repeated w_0·B times, then arm 1, .... */
  public static int[] pattern(double[] weights, int blockSize) {
    int[] p = new int[blockSize];
    int k = 0;
    for (int i = 0; i < weights.length; i++) {
      long c = Math.round(weights[i] * blockSize);
      for (int j = 0; j < c; j++) {
        p[k++] = i;
      }
    }
    if (k != blockSize) {
      throw new IllegalStateException("pattern fills " + k + " of " + blockSize + " slots");
    }
    return p;
  }

  /** The permutation key of a slot. */
  public static long slotKey(String salt, String stratum, long block, int slot) {
    return Xxh64.hashUtf8(salt + ":block:" + stratum + ":" + block + ":" + slot);
  }

  /** The rank of {@code slot} among all slots of its block under {@link #slotKey}. */
  public static int rank(String salt, String stratum, long block, int slot, int blockSize) {
    long k = slotKey(salt, stratum, block, slot);
    int r = 0;
    for (int s = 0; s < blockSize; s++) {
      long ks = slotKey(salt, stratum, block, s);
      if (ks < k || (ks == k && s < slot)) {
        r++;
      }
    }
    return r;
  }

  /** The arm index of a slot. */
  public static int arm(String salt, String stratum, long block, int slot, double[] weights) {
    int b = blockSize(weights);
    return pattern(weights, b)[rank(salt, stratum, block, slot, b)];
  }
}
