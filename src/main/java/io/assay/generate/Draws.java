package io.assay.generate;

import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.assay.assignment.NativeHash;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Deterministic randomness as Spark column expressions: every draw is a hash of the world's seed, a
 * purpose and the keys that identify what is drawn (a unit, a day, an event), so a value never
 * depends on partitioning, row order or the machine, and two draws with different purposes are
 * independent. Nothing here calls {@code rand()}.
 *
 * <pre>
 * h(purpose, keys)       = xxhash64(seed ":" purpose, key1, key2, …)
 * uniform(purpose, keys) = (h >>> 11) × 2^-53                       in [0, 1)
 * normal(purpose, keys)  = sqrt(-2 ln(1 - u1)) × cos(2π u2)          (Box–Muller)
 * </pre>
 *
 * where {@code xxhash64} is Spark's built-in over several columns (XXH64 of each value in turn, the
 * previous hash as the seed), and {@code u1, u2} are the uniforms of the purposes {@code purpose#1}
 * and {@code purpose#2}. Keys are hashed as their Spark type (an int and a long of the same value
 * hash differently), so each draw always passes the same types.
 */
public final class Draws {
  private final long seed;

  public Draws(long seed) {
    this.seed = seed;
  }

  /** The 64-bit hash of (seed, purpose, keys): a signed long. */
  public Column hash(String purpose, Column... keys) {
    Column[] parts = new Column[keys.length + 1];
    parts[0] = lit(seed + NativeHash.SEPARATOR + purpose);
    System.arraycopy(keys, 0, parts, 1, keys.length);
    return xxhash64(parts);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  public Column uniform(String purpose, Column... keys) {
    return shiftrightunsigned(hash(purpose, keys), 11)
        .cast("double")
        .multiply(lit(NativeHash.TWO_POW_MINUS_53));
  }

  /** A standard normal by Box–Muller; {@code 1 - u} lies in (0, 1], so the logarithm is finite. */
  public Column normal(String purpose, Column... keys) {
    Column u1 = uniform(purpose + "#1", keys);
    Column u2 = uniform(purpose + "#2", keys);
    return sqrt(log(lit(1.0).minus(u1)).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
  }

  /** 16 upper-case hex digits of the hash: a deterministic identifier (event, order, session). */
  public Column id(String purpose, Column... keys) {
    return lpad(hex(hash(purpose, keys)), 16, "0");
  }

  /**
   * The value whose cumulative share first exceeds {@code u}: a categorical draw with the given
   * shares (which sum to 1), in the order given.
   */
  public static Column categorical(Column u, List<String> values, double[] shares) {
    if (values.size() != shares.length || Math.abs(Arrays.stream(shares).sum() - 1.0) > 1e-9) {
      throw new IllegalArgumentException("shares must match the values and sum to 1");
    }
    Column out = when(u.lt(lit(shares[0])), lit(values.get(0)));
    double cumulative = shares[0];
    for (int i = 1; i < values.size() - 1; i++) {
      cumulative += shares[i];
      out = out.when(u.lt(lit(cumulative)), lit(values.get(i)));
    }
    return out.otherwise(lit(values.get(values.size() - 1)));
  }
}
