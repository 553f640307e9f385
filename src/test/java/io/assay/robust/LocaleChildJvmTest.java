package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.assignment.NativeHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The command line under a locale that is not UTF-8 ({@code LC_ALL=C}), in a child JVM started the
 * plain way ({@code java … io.assay.cli.Main}, none of jobs/assay's settings): output is UTF-8
 * whatever the locale, and an argument the JVM may have decoded lossily is refused with the fix
 * rather than hashed as another id. In a UTF-8 locale the same bytes are the id. (jobs/assay itself
 * runs the JVM in a UTF-8 locale: LauncherIT.)
 */
class LocaleChildJvmTest {
  /** Zoë字😀 as the UTF-8 bytes a terminal sends, in bash's $'…' notation. */
  static final String UNIT_BYTES = "$'Zo\\xc3\\xab\\xe5\\xad\\x97\\xf0\\x9f\\x98\\x80'";

  static final String UNIT = "Zoë字😀";

  record Ran(int code, String out, String err) {}

  /** Runs Main with {@code args} (shell words, already quoted) under {@code LC_ALL=locale}. */
  static Ran run(String locale, String... args) throws Exception {
    List<String> words = new ArrayList<>();
    for (String w : ChildJvm.command(List.of())) {
      words.add("'" + w.replace("'", "'\\''") + "'");
    }
    words.addAll(List.of(args));
    Path out = Files.createTempFile("locale-", ".out");
    Path err = Files.createTempFile("locale-", ".err");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", "exec " + String.join(" ", words))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().put("LC_ALL", locale);
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ends");
    return new Ran(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static String[] explain(String unitWord, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "explain",
                "--conf",
                "conf",
                "--experiment",
                "checkout_button@1.0.0",
                "--at",
                "2026-11-02T00:00:00Z",
                "--attr",
                "country=US",
                "--unit",
                unitWord));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void underLcAllCNonAsciiArgumentsAreRefused() throws Exception {
    Ran refused = run("C", explain(UNIT_BYTES, "--json"));
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("may have lost characters"), refused.err());
    assertTrue(refused.err().contains("export LC_ALL=C.UTF-8"), refused.err());
    assertEquals("", refused.out(), "nothing was explained");
  }

  @Test
  void underLcAllCOutputIsUtf8() throws Exception {
    Ran trace = run("C", explain("u-7"));
    assertEquals(0, trace.code(), trace.err());
    assertTrue(trace.out().contains(") → inside"), "UTF-8 arrows, not '?': " + trace.out());
  }

  @Test
  void inAUtf8LocaleTheBytesAreTheId() throws Exception {
    Ran r = run("C.UTF-8", explain(UNIT_BYTES, "--json"));
    assertEquals(0, r.code(), r.err());
    JsonNode n = new ObjectMapper().readTree(r.out());
    assertEquals(UNIT, n.get("unit_id").asText());
    assertEquals(
        NativeHash.position("holdout-2026h2", UNIT), n.get("holdout_position").asDouble(), 0.0);
  }
}
