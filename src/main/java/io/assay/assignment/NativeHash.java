package io.assay.assignment;

/**
 * assay's native scheme, version 1 ({@code assay-xxh64-v1}); the exact definition is in {@code
 * docs/assignment.md}:
 *
 * <pre>
 * h        = XXH64(UTF-8 bytes of salt + ":" + unit_id, seed = 42)     (a signed 64-bit value)
 * position = (h >>> 11) × 2^-53                                        (a double in [0, 1))
 * </pre>
 *
 * <p>Spark computes the same value with built-ins only: {@code shiftrightunsigned(xxhash64(
 * concat(salt || ':', unit_id)), 11) * 2^-53}. The top 53 bits fit a double exactly, so both sides
 * produce identical positions.
 */
public final class NativeHash {
  public static final String SEPARATOR = ":";
  public static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private NativeHash() {}

  public static long hash64(String salt, String unitId) {
    return Xxh64.hashUtf8(salt + SEPARATOR + unitId);
  }

  public static double position(String salt, String unitId) {
    return (hash64(salt, unitId) >>> 11) * TWO_POW_MINUS_53;
  }
}
