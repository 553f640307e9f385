package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Condition;
import io.assay.config.Condition.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Eligibility semantics of {@link Condition} as documented in its Javadoc and in
 * docs/assignment.md: {@code in} needs the attribute present and equal to a value; {@code not_in}
 * holds when it is absent; comparisons hold only on plain decimal text. The expected values are
 * read off that definition, case by case.
 */
class ConditionTest {
  private static Map<String, String> attrs(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void inNeedsThePresentAttributeToEqualAValue() {
    Condition c = new Condition.In("country", List.of("DE", "FR"));
    assertTrue(c.test(attrs("country", "DE")));
    assertFalse(c.test(attrs("country", "de")), "case-sensitive");
    assertFalse(c.test(attrs("country", "DE ")), "no trimming");
    assertFalse(c.test(attrs("country", "US")));
    assertFalse(c.test(attrs("platform", "ios")), "absent attribute");
    assertFalse(c.test(attrs()));
    assertFalse(c.test(null));
    assertFalse(new Condition.In("country", List.of()).test(attrs("country", "DE")));
  }

  @Test
  void notInHoldsForAnAbsentAttribute() {
    Condition c = new Condition.NotIn("country", List.of("DE", "FR"));
    assertFalse(c.test(attrs("country", "DE")));
    assertTrue(c.test(attrs("country", "de")));
    assertTrue(c.test(attrs("country", "US")));
    assertTrue(c.test(attrs("platform", "ios")), "absent attribute");
    assertTrue(c.test(attrs()));
    assertTrue(c.test(null));
  }

  /** {@code value op 5}: the attribute text, then lt/lte/gt/gte against 5. */
  @ParameterizedTest(name = "\"{0}\": lt {1}, lte {2}, gt {3}, gte {4}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // plain decimals
        "5        | false | true  | false | true",
        "4.99     | true  | true  | false | false",
        "-7       | true  | true  | false | false",
        "+6       | false | false | true  | true",
        "5.       | false | true  | false | true",
        ".5       | true  | true  | false | false",
        "+.5      | true  | true  | false | false",
        "-0       | true  | true  | false | false",
        "1e3      | false | false | true  | true",
        "5E0      | false | true  | false | true",
        "5e-1     | true  | true  | false | false",
        "0005.000 | false | true  | false | true",
        "1e400    | false | false | true  | true",
        // not plain decimals: every comparison is false
        "abc      | false | false | false | false",
        "NaN      | false | false | false | false",
        "Infinity | false | false | false | false",
        "\" 5\"   | false | false | false | false",
        "\"5 \"   | false | false | false | false",
        "0x10     | false | false | false | false",
        "1e       | false | false | false | false",
        ".        | false | false | false | false",
        "1_000    | false | false | false | false",
        "5d       | false | false | false | false",
        "5f       | false | false | false | false",
        "1,5      | false | false | false | false",
        "--5      | false | false | false | false",
        "\"\"     | false | false | false | false",
        "\u0665   | false | false | false | false"
      })
  void numericComparisons(String text, boolean lt, boolean lte, boolean gt, boolean gte) {
    Map<String, String> a = attrs("x", text);
    assertEquals(lt, new Condition.Compare("x", Op.LT, 5).test(a), "lt");
    assertEquals(lte, new Condition.Compare("x", Op.LTE, 5).test(a), "lte");
    assertEquals(gt, new Condition.Compare("x", Op.GT, 5).test(a), "gt");
    assertEquals(gte, new Condition.Compare("x", Op.GTE, 5).test(a), "gte");
  }

  @Test
  void aTrailingNewlineIsNotANumber() {
    // "5\n" is not plain decimal text. The regex must reject it under find() too, which is how
    // Spark's rlike applies it, or the Spark twin would admit what the Java assigner refuses.
    Map<String, String> a = attrs("x", "5\n");
    assertFalse(new Condition.Compare("x", Op.GTE, 5).test(a));
    for (String s : List.of("5\n", "5\r\n", "5\u2028", "5\u0085", "abc\n5")) {
      assertFalse(Condition.NUMBER_PATTERN.matcher(s).find(), "find() accepts " + s.strip());
    }
    assertTrue(Condition.NUMBER_PATTERN.matcher("5").find());
  }

  @Test
  void comparisonsOfAbsentAttributesAreFalse() {
    for (Op op : Op.values()) {
      assertFalse(new Condition.Compare("x", op, 5).test(attrs()), op.yaml);
      assertFalse(new Condition.Compare("x", op, 5).test(null), op.yaml);
      // ... and so their negation is true.
      assertTrue(new Condition.Not(new Condition.Compare("x", op, 5)).test(attrs()), op.yaml);
    }
  }

  @Test
  void allAndAnyAndEmptyLists() {
    Condition t = new Condition.Always();
    Condition f = new Condition.Not(t);
    assertTrue(new Condition.All(List.of()).test(attrs()));
    assertFalse(new Condition.Any(List.of()).test(attrs()));
    assertTrue(new Condition.All(List.of(t, t)).test(attrs()));
    assertFalse(new Condition.All(List.of(t, f)).test(attrs()));
    assertTrue(new Condition.Any(List.of(f, t)).test(attrs()));
    assertFalse(new Condition.Any(List.of(f, f)).test(attrs()));
  }

  @Test
  void collectsTheAttributesItReads() {
    Condition c =
        new Condition.All(
            List.of(
                new Condition.In("country", List.of("DE")),
                new Condition.Not(new Condition.Compare("age", Op.LT, 18)),
                new Condition.Any(List.of(new Condition.NotIn("platform", List.of("tv"))))));
    java.util.Set<String> out = new java.util.TreeSet<>();
    c.collectAttributes(out);
    assertEquals(java.util.Set.of("age", "country", "platform"), out);
  }

  @Test
  void existsHoldsForAPresentAttributeWhateverItsText() {
    Condition c = new Condition.Exists("x");
    assertTrue(c.test(attrs("x", "")), "the empty text is present");
    assertTrue(c.test(attrs("x", "abc")));
    assertFalse(c.test(attrs("y", "abc")));
    assertFalse(c.test(attrs()));
    assertFalse(c.test(null));
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("x", null);
    assertFalse(c.test(nullValue), "a null value is absent, as in a Spark map");
  }

  /** Plain decimal text equal to one of the numbers: the numeric comparisons' reading of text. */
  @ParameterizedTest(name = "\"{0}\" in_numbers [5, 0] → {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "5      | true",
        "5.0    | true",
        "5e0    | true",
        "+5     | true",
        "0      | true",
        "-0     | true",
        "0.0    | true",
        "4.9999 | false",
        "\" 5\" | false",
        "five   | false",
        "0x5    | false",
        "\"\"   | false"
      })
  void numberInReadsPlainDecimalText(String text, boolean expected) {
    Condition c = new Condition.NumberIn("x", List.of(5.0, 0.0));
    assertEquals(expected, c.test(attrs("x", text)));
    assertFalse(c.test(attrs()), "absent");
  }

  /** Text order is by UTF-16 code units, as JavaScript's {@code <} on two strings. */
  @Test
  void textComparisonsOrderByUtf16CodeUnits() {
    Map<String, String> always = attrs("w", "always");
    assertTrue(new Condition.TextCompare("w", Op.GT, "alphabet").test(always));
    assertTrue(new Condition.TextCompare("w", Op.LT, "zebra").test(always));
    assertFalse(new Condition.TextCompare("w", Op.GT, "alphabet").test(attrs("w", "AZL")));
    assertFalse(new Condition.TextCompare("w", Op.GT, "alphabet").test(attrs("w", "alphabet")));
    assertTrue(new Condition.TextCompare("w", Op.GTE, "alphabet").test(attrs("w", "alphabet")));
    assertTrue(new Condition.TextCompare("w", Op.LTE, "alphabet").test(attrs("w", "alphabet")));
    // "8" > "10" as text (JavaScript: "8" < "10" is false).
    assertFalse(new Condition.TextCompare("n", Op.LT, "10").test(attrs("n", "8")));
    // U+FF5E (one code unit 0xFF5E) sorts after U+1F600 (surrogates 0xD83D 0xDE00) in UTF-16,
    // though its code point is smaller: JavaScript says "\uFF5E" > "\uD83D\uDE00".
    assertTrue(new Condition.TextCompare("s", Op.GT, "\uD83D\uDE00").test(attrs("s", "\uFF5E")));
    for (Op op : Op.values()) {
      assertFalse(new Condition.TextCompare("w", op, "m").test(attrs()), "absent, " + op.yaml);
    }
  }
}
