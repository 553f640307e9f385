package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Report and export files compare as decision 0006 says tables do: the run's own identity is
 * ignored, numbers agree within a relative 1e-8, everything else must be equal.
 */
class FileComparisonTest {
  static final String REPORT =
      "{\"date\":\"2026-11-03\",\"metrics\":[{\"metric\":\"conversion\",\"effect\":%s,"
          + "\"decision\":\"%s\"}],\"run\":{\"run_id\":\"%s\",\"started_at\":\"%s\","
          + "\"git_commit\":\"%s\"}}";

  static String report(String effect, String decision, String runId, String commit) {
    return String.format(REPORT, effect, decision, runId, "2026-12-06T10:00:00Z", commit);
  }

  @Test
  void aJsonReportIgnoresOnlyTheIdentityOfTheRunThatWroteIt() {
    String a = report("0.012345678901", "SHIP", "run-a", "abc123");
    String sameButRun =
        String.format(REPORT, "0.012345678901", "SHIP", "run-b", "2026-12-07T11:00:00Z", "abc123");
    assertEquals(
        FileComparison.fingerprint("x.json", a), FileComparison.fingerprint("x.json", sameButRun));
    assertEquals(List.of(), FileComparison.differences("x.json", a, sameButRun, 5));

    // Another commit computed it: that is a difference, not an identity.
    String otherCommit = report("0.012345678901", "SHIP", "run-a", "def456");
    assertNotEquals(
        FileComparison.fingerprint("x.json", a), FileComparison.fingerprint("x.json", otherCommit));
    assertEquals(
        List.of("/run/git_commit: \"abc123\" vs \"def456\""),
        FileComparison.differences("x.json", a, otherCommit, 5));
  }

  @Test
  void numbersAgreeWithinARelativeOneInAHundredMillion() {
    String a = report("0.012345678901", "SHIP", "r", "c");
    // 1e-10 relative: the last bits of a sum combined in another order.
    String close = report("0.012345678902", "SHIP", "r", "c");
    assertNotEquals(
        FileComparison.fingerprint("x.json", a), FileComparison.fingerprint("x.json", close));
    assertEquals(List.of(), FileComparison.differences("x.json", a, close, 5));
    // 1e-6 relative: a real change.
    String far = report("0.012345691", "SHIP", "r", "c");
    assertEquals(
        List.of("/metrics/0/effect: 0.012345678901 vs 0.012345691"),
        FileComparison.differences("x.json", a, far, 5));
    String decided = report("0.012345678901", "KEEP_RUNNING", "r", "c");
    assertEquals(
        List.of("/metrics/0/decision: \"SHIP\" vs \"KEEP_RUNNING\""),
        FileComparison.differences("x.json", a, decided, 5));
  }

  @Test
  void jsonShapesMustMatch() {
    String a = "{\"a\":[1,2],\"b\":null}";
    assertEquals(
        List.of("/a: 2 vs 3 elements"),
        FileComparison.differences("x.json", a, "{\"a\":[1,2,3],\"b\":null}", 5));
    assertEquals(
        List.of("/b: null vs 0"),
        FileComparison.differences("x.json", a, "{\"a\":[1,2],\"b\":0}", 5));
    assertEquals(
        List.of("/c: missing vs 1"),
        FileComparison.differences("x.json", "{\"a\":[1,2]}", "{\"a\":[1,2],\"c\":1}", 5));
  }

  @Test
  void csvCellsCompareAsNumbersWhereBothAreNumbers() {
    String a = "metric,effect,n\nconversion,0.25,100\nrevenue,NaN,100\n";
    assertEquals(
        List.of(),
        FileComparison.differences(
            "t.csv", a, "metric,effect,n\nconversion,0.2500000000001,100\nrevenue,NaN,100\n", 5));
    assertEquals(
        List.of("2:3: 100 vs 101"),
        FileComparison.differences(
            "t.csv", a, "metric,effect,n\nconversion,0.25,101\nrevenue,NaN,100\n", 5));
    assertEquals(
        List.of("3:2: NaN vs 0.0"),
        FileComparison.differences(
            "t.csv", a, "metric,effect,n\nconversion,0.25,100\nrevenue,0.0,100\n", 5));
    assertTrue(
        FileComparison.differences("t.csv", a, "metric,effect,n\nconversion,0.25,100\n", 5)
            .get(0)
            .startsWith("lines: 3 vs 2"));
    // A CSV is compared as it is: a run id in a cell is a difference (exports drop run_id).
    assertNotEquals(
        FileComparison.fingerprint("t.csv", "run_id\na\n"),
        FileComparison.fingerprint("t.csv", "run_id\nb\n"));
  }
}
