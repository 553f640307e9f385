package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.HashScheme;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The unit-id rule both evaluators share: the Java assigner refuses exactly the ids reconciliation
 * quarantines — blank, over 256 characters, a control character, a lone UTF-16 surrogate — under
 * every scheme; and the one-pass Java checks agree with the regexes Spark evaluates.
 */
class UnitIdsTest {
  private static final Instant AT = Definitions.START.plusSeconds(3_600);

  /** Ids with a surrogate that has no partner: not text, so no hash scheme can agree on them. */
  static final List<String> LONE =
      List.of(
          "a\ud800b", // a high surrogate alone
          "a\udc00b", // a low surrogate alone
          "\ude00\ud83d", // a pair in the wrong order
          "x\ud83d", // an emoji cut after its first half
          "\udfff",
          "😀\ud83d😀");

  /** Valid ids near the lone ones: pairs, other planes, look-alike text. */
  static final List<String> VALID =
      List.of("😀", "a\ud83d\ude00b", "Zoë字😀", "a?b", "\\ud800", "u-42", "\uFFFD", "\uD800\uDC00");

  @Test
  void loneSurrogatesAreInvalidAndPairsAreNot() {
    for (String id : LONE) {
      String p = UnitIds.problem(id);
      assertTrue(p != null && p.contains("lone UTF-16 surrogate"), id + ": " + p);
    }
    for (String id : VALID) {
      assertNull(UnitIds.problem(id), id);
    }
    assertEquals(1, UnitIds.loneSurrogate("a\ud800b"));
    assertEquals(2, UnitIds.loneSurrogate("😀\ud83d😀"));
    assertEquals(-1, UnitIds.loneSurrogate("😀😀"));
  }

  @Test
  void blankLongAndControlIdsAreInvalid() {
    assertTrue(UnitIds.problem(null).contains("empty"));
    assertTrue(UnitIds.problem("").contains("empty"));
    assertTrue(UnitIds.problem(" \t\n").contains("empty"));
    assertTrue(UnitIds.problem("u\u0001").contains("control character U+0001"));
    assertTrue(UnitIds.problem("u\u007f").contains("control character U+007F"));
    assertNull(UnitIds.problem("x".repeat(256)));
    assertTrue(UnitIds.problem("x".repeat(257)).contains("257 characters"));
    // Characters are code points, as Spark's length() counts them: 256 emoji are 512 chars.
    assertNull(UnitIds.problem("😀".repeat(256)));
    assertTrue(UnitIds.problem("😀".repeat(257)).contains("257 characters"));
  }

  /** The one-pass checks against the regexes Spark's ingest evaluates ({@code rlike} = find). */
  @Test
  void theJavaChecksAgreeWithThePatternsSparkEvaluates() {
    Pattern blank = Pattern.compile(UnitIds.BLANK_PATTERN);
    Pattern control = Pattern.compile(UnitIds.CONTROL_PATTERN);
    char[] alphabet = {' ', '\t', '\n', '\u000B', '\f', '\r', '\u001c', '\u0000', '\u007f', 'a'};
    char[] more = {'\u0085', '\u00a0', '\u2028', '\u3000', 'é', '\u0080', '\u009f'};
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(5);
      for (int k = 0; k < n; k++) {
        b.append(
            random.nextInt(4) == 0
                ? more[random.nextInt(more.length)]
                : alphabet[random.nextInt(alphabet.length)]);
      }
      String id = b.toString();
      assertEquals(blank.matcher(id).find(), UnitIds.blank(id), "blank: " + escape(id));
      String p = UnitIds.problem(id);
      boolean hasControl = p != null && p.contains("control character");
      assertEquals(
          !UnitIds.blank(id) && control.matcher(id).find(), hasControl, "control: " + escape(id));
    }
  }

  @ParameterizedTest
  @EnumSource(HashScheme.class)
  void theAssignerRefusesEveryInvalidIdUnderEveryScheme(HashScheme scheme) {
    AssignmentPlan plan = Definitions.experiment("ids").scheme(scheme).plan(null);
    for (String id : LONE) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> Assigner.decide(plan, id, Map.of(), AT));
      assertTrue(e.getMessage().contains("lone UTF-16 surrogate"), e.getMessage());
    }
    for (String id : new String[] {"", "  ", "u\u0001", "x".repeat(257)}) {
      assertThrows(IllegalArgumentException.class, () -> Assigner.decide(plan, id, Map.of(), AT));
    }
    for (String id : VALID) {
      assertEquals(Status.ASSIGNED, Assigner.decide(plan, id, Map.of(), AT).status(), id);
    }
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
    return b.toString();
  }
}
