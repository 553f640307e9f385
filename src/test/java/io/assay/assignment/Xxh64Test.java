package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Xxh64} against published XXH64 values. Each group names its source; together they cover
 * every length path of the algorithm: empty, 1-3 bytes (byte tail), 4-7 (4-byte step), 8-31 (8-byte
 * steps), exactly 32 (one stripe, no tail) and 32+ with one or many stripes.
 */
class Xxh64Test {
  private static final long PRIME32 = 2654435761L;

  /**
   * xxHash's sanity-check buffer (Cyan4973/xxHash cli/xsum_sanity_check.c, XSUM_fillTestBuffer):
   * byte i is the top byte of {@code PRIME32 * PRIME64^i mod 2^64}.
   */
  static byte[] sanityBuffer(int length) {
    byte[] b = new byte[length];
    long gen = PRIME32;
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (gen >>> 56);
      gen *= 0x9E3779B185EBCA8DL; // PRIME64 = 11400714785074694797 (not XXH64 PRIME64_1)
    }
    return b;
  }

  private static long hash(byte[] b, long seed) {
    return Xxh64.hash(b, 0, b.length, seed);
  }

  /** Cyan4973/xxHash cli/xsum_sanity_check.c (commit 08ae025), table XSUM_XXH64_testdata. */
  @ParameterizedTest(name = "xxHash sanity table: len {0}, seed {1} -> {2}")
  @CsvSource({
    "0, 0, EF46DB3751D8E999",
    "0, 2654435761, AC75FDA2929B17EF",
    "1, 0, E934A84ADB052768",
    "1, 2654435761, 5014607643A9B4C3",
    "4, 0, 9136A0DCA57457EE",
    "14, 0, 8282DCC4994E35C8",
    "14, 2654435761, C3BD6BF63DEB6DF0",
    "222, 0, B641AE8CB691C174",
    "222, 2654435761, 20CB8AB7AE10C14A"
  })
  void xxHashSanityTable(int length, long seed, String expected) {
    assertEquals(Long.parseUnsignedLong(expected, 16), hash(sanityBuffer(length), seed));
  }

  /**
   * ifduyue/python-xxhash: README ("xxhash", seeds 0 and 20141025; the empty digest; "Nobody
   * inspects the spammish repetition"); "a" from tests/test_xxh64.py.
   */
  @ParameterizedTest(name = "python-xxhash: xxh64({0}, seed={1}) = {2}")
  @CsvSource({
    "'', 0, ef46db3751d8e999",
    "xxhash, 0, 32dd38952c4bc720",
    "xxhash, 20141025, b559b98d844e0635",
    "Nobody inspects the spammish repetition, 0, fbcea83c8a378bf1",
    "a, 0, d24ec4f1a98c6e5b"
  })
  void pythonXxhash(String input, long seed, String expected) {
    byte[] b = input.getBytes(StandardCharsets.UTF_8);
    assertEquals(Long.parseUnsignedLong(expected, 16), hash(b, seed));
  }

  /** ifduyue/python-xxhash tests/test_xxh64.py: the digests of "a", stated there in decimal. */
  @Test
  void pythonXxhashDecimalDigests() {
    byte[] a = {'a'};
    assertEquals(Long.parseUnsignedLong("15154266338359012955"), hash(a, 0));
    assertEquals(Long.parseUnsignedLong("16051599287423682246"), hash(a, 1));
    assertEquals(Long.parseUnsignedLong("6972758980737027682"), hash(a, -1)); // seed 2^64 - 1
  }

  /**
   * Spark's own documentation of {@code xxhash64} (seed 42): PySpark API reference
   * (pyspark.sql.functions.xxhash64, 3.4.1): {@code xxhash64('ABC') = 4105715581806190027} and
   * {@code xxhash64('ABC', 'DEF') = 3233247871021311208}; Spark SQL built-in function reference:
   * {@code xxhash64('Spark', array(123), 2) = 5602566077635097486}. Several arguments chain: each
   * value is hashed with the previous hash as its seed; an int is hashed as its 4 little-endian
   * bytes. This pins {@link Xxh64#hashUtf8} to Spark's function, which the native scheme relies on.
   */
  @Test
  void sparkDocumentedXxhash64() {
    long abc = Xxh64.hashUtf8("ABC");
    assertEquals(4105715581806190027L, abc);
    byte[] def = "DEF".getBytes(StandardCharsets.UTF_8);
    assertEquals(3233247871021311208L, Xxh64.hash(def, 0, def.length, abc));

    long spark = Xxh64.hashUtf8("Spark");
    long array = Xxh64.hash(new byte[] {123, 0, 0, 0}, 0, 4, spark);
    assertEquals(5602566077635097486L, Xxh64.hash(new byte[] {2, 0, 0, 0}, 0, 4, array));
  }

  static Stream<Arguments> computedExtra() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode r : Vectors.load("xxh64/computed-extra.json").get("sanityBufferExtra")) {
      out.add(Arguments.of(r.get("len").asInt(), r.get("seed").asLong(), r.get("xxh64").asText()));
    }
    return out.stream();
  }

  /**
   * Lengths the published table leaves out (2, 3, 5, 7, 8, 9, ... 32, 33, 63, 64, 65, 96, 128,
   * 1024, 2367) on the same sanity buffer, seeds 0, PRIME32 and 42: computed by
   * vectors/xxh64/xxh64_ref.py (pure Python from the xxHash spec, which first reproduces every
   * published value above) and cross-checked with npm xxhash-wasm 1.1.0.
   */
  @ParameterizedTest(name = "independent reference: len {0}, seed {1} -> {2}")
  @MethodSource("computedExtra")
  void independentReferenceOnEveryLengthPath(int length, long seed, String expected) {
    assertEquals(Long.parseUnsignedLong(expected, 16), hash(sanityBuffer(length), seed));
  }

  @Test
  void offsetAndLengthSelectASlice() {
    // Hashing a slice must equal hashing a copy of it (catches reads relative to 0, not off).
    byte[] big = sanityBuffer(300);
    for (int off : new int[] {1, 3, 7, 31}) {
      for (int len : new int[] {0, 1, 5, 14, 32, 100, 222}) {
        byte[] copy = java.util.Arrays.copyOfRange(big, off, off + len);
        assertEquals(hash(copy, 42), Xxh64.hash(big, off, len, 42), off + "+" + len);
      }
    }
  }

  @Test
  void hashUtf8UsesUtf8BytesAndSeed42() {
    String s = "Zoë \uD83D\uDE42 用户";
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    assertEquals(Xxh64.hash(b, 0, b.length, 42), Xxh64.hashUtf8(s));
    assertEquals(42L, Xxh64.SPARK_SEED);
  }
}
