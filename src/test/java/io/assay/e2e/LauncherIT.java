package io.assay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.assignment.NativeHash;
import io.assay.testing.Launcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs/assay} under a locale that is not UTF-8 ({@code LC_ALL=C}, the default of many
 * containers and cron jobs): the launcher runs the JVM in a UTF-8 locale, so a non-ASCII unit id
 * reaches the assigner as typed, and the output is UTF-8. The id's bytes are written with bash's
 * $'…' notation, independent of this JVM's own charset.
 */
class LauncherIT {
  static final String UNIT = "Zoë字😀";

  static Launcher.Result explain(String locale, String... more) {
    String script =
        "exec '"
            + Launcher.ROOT.resolve("jobs/assay")
            + "' explain --experiment checkout_button@1.0.0 --at 2026-11-02T00:00:00Z"
            + " --attr country=US --unit $'Zo\\xc3\\xab\\xe5\\xad\\x97\\xf0\\x9f\\x98\\x80' "
            + String.join(" ", more);
    return Launcher.run(
        List.of("bash", "-c", script), Map.of("LC_ALL", locale), Duration.ofMinutes(5));
  }

  @Test
  void underLcAllCTheLauncherReadsAndWritesUtf8() throws Exception {
    Launcher.Result json = explain("C", "--json");
    assertEquals(0, json.exit(), json.output());
    JsonNode n = new ObjectMapper().readTree(json.stdout());
    assertEquals(UNIT, n.get("unit_id").asText(), "the id as typed, not Zo?????????");
    assertEquals(
        NativeHash.position("holdout-2026h2", UNIT), n.get("holdout_position").asDouble(), 0.0);

    Launcher.Result trace = explain("C");
    assertEquals(0, trace.exit(), trace.output());
    assertTrue(trace.stdout().contains("unit         " + UNIT), trace.output());
    assertTrue(trace.stdout().contains(") → inside"), trace.output());
  }
}
