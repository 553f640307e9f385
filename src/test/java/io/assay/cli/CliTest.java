package io.assay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.assignment.NativeHash;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's commands that need no Spark: help, validate, explain. */
class CliTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryCommandAndEveryCommandHasHelp() {
    Result r = run("--help");
    assertEquals(0, r.code());
    CommandLine cl = Main.commandLine();
    for (String name : cl.getSubcommands().keySet()) {
      assertTrue(r.out().contains(name), name + " missing from --help");
      if (!name.equals("help")) {
        Result sub = run(name, "--help");
        assertEquals(0, sub.code(), name);
        assertTrue(sub.out().startsWith("Usage: assay " + name), sub.out());
      }
    }
    assertTrue(r.out().contains("Exit codes"));
  }

  /**
   * Picocli formats every help text with {@code String.format}: a lone {@code %} (write {@code %%})
   * makes it print a warning and the raw text. The annotations' own texts are checked (the spec's
   * accessors return them already unescaped): every description, header and footer of every
   * command, option and parameter must format without arguments.
   */
  @Test
  void everyHelpTextIsAValidFormatString() {
    Set<Class<?>> types = new LinkedHashSet<>();
    Deque<CommandLine.Model.CommandSpec> todo = new ArrayDeque<>();
    todo.add(Main.commandLine().getCommandSpec());
    while (!todo.isEmpty()) {
      CommandLine.Model.CommandSpec spec = todo.pop();
      types.add(spec.userObject().getClass());
      spec.subcommands().values().forEach(sub -> todo.add(sub.getCommandSpec()));
      todo.addAll(spec.mixins().values());
      Deque<CommandLine.Model.ArgGroupSpec> groups = new ArrayDeque<>(spec.argGroups());
      while (!groups.isEmpty()) {
        CommandLine.Model.ArgGroupSpec g = groups.pop();
        types.add(g.typeInfo().getType());
        groups.addAll(g.subgroups());
      }
    }
    assertTrue(types.containsAll(Set.of(PowerCommand.class, ConfOption.class)), types.toString());
    List<String> bad = new ArrayList<>();
    for (Class<?> type : types) {
      List<String> texts = new ArrayList<>();
      CommandLine.Command c = type.getAnnotation(CommandLine.Command.class);
      if (c != null) {
        texts.addAll(List.of(c.description()));
        texts.addAll(List.of(c.header()));
        texts.addAll(List.of(c.footer()));
      }
      for (Class<?> k = type; k != null; k = k.getSuperclass()) {
        List<java.lang.reflect.AnnotatedElement> members = new ArrayList<>();
        members.addAll(List.of(k.getDeclaredFields()));
        members.addAll(List.of(k.getDeclaredMethods()));
        for (java.lang.reflect.AnnotatedElement m : members) {
          CommandLine.Option o = m.getAnnotation(CommandLine.Option.class);
          CommandLine.Parameters p = m.getAnnotation(CommandLine.Parameters.class);
          texts.addAll(o == null ? List.of() : List.of(o.description()));
          texts.addAll(p == null ? List.of() : List.of(p.description()));
        }
      }
      for (String t : texts) {
        try {
          String.format(t);
        } catch (java.util.IllegalFormatException e) {
          bad.add(type.getSimpleName() + ": '" + t + "' (" + e + ")");
        }
      }
    }
    assertEquals(List.of(), bad);
    assertTrue(run("power", "--help").out().contains("(0.02 = +2%)."));
  }

  @Test
  void unknownOptionsAreUsageErrorsWithExitCode2() {
    assertEquals(2, run("validate", "--nope").code());
    assertEquals(2, run("explain", "--unit", "u1").code()); // --experiment is required
    Result r = run("explain", "--experiment", "checkout_button", "--unit", "u", "--attr", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--attr 'x' is not NAME=VALUE"), r.err());
    r = run("explain", "--experiment", "nope", "--unit", "u");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no experiment definition 'nope'"), r.err());
  }

  /**
   * An option value the command cannot use is a usage error (exit 2) that says what to pass, not a
   * failure with a stack trace (exit 1) or a silently different reading: every unit id the assigner
   * refuses, and (next test) a population format assign does not read or that contradicts the
   * table.
   */
  @Test
  void everyUnitIdTheAssignerRefusesIsAUsageErrorForExplain() {
    for (String unit : new String[] {"", "   ", "u\u0001", "x".repeat(257), "a\ud800b"}) {
      Result r = run("explain", "--experiment", "checkout_button", "--unit=" + unit);
      assertEquals(2, r.code(), "--unit=" + unit + ": " + r.err());
      assertTrue(r.err().contains("is not a valid unit id: it "), r.err());
      assertTrue(r.err().contains("pass the id as logged, e.g. --unit u-42"), r.err());
      assertTrue(r.err().lines().count() <= 2, "a message, not a stack trace: " + r.err());
    }
    assertTrue(
        run("explain", "--experiment", "checkout_button", "--unit=")
            .err()
            .contains("--unit '' is not a valid unit id: it is empty or only white space"));
  }

  @Test
  void aPopulationFormatAssignDoesNotReadOrThatContradictsTheTableIsAUsageError() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("assign-format-");
    java.nio.file.Path parquet = java.nio.file.Files.createDirectories(dir.resolve("pop"));
    java.nio.file.Path delta =
        java.nio.file.Files.createDirectories(dir.resolve("pop-delta/_delta_log")).getParent();
    String[][] cases = {
      {parquet.toString(), "--format=csv", "--format 'csv' is not one of delta, parquet"},
      {parquet.toString(), "--format=json", "--format 'json' is not one of delta, parquet"},
      {delta.toString(), "--format=parquet", "is a Delta table (it has a _delta_log)"},
      {parquet.toString(), "--format=delta", "is not a Delta table (no _delta_log)"},
    };
    for (String[] c : cases) {
      Result r =
          run(
              "assign",
              "--conf",
              "conf",
              "--experiment",
              "checkout_button",
              "--population",
              c[0],
              "--out",
              dir.resolve("out").toString(),
              c[1]);
      assertEquals(2, r.code(), c[1] + ": " + r.err());
      assertTrue(r.err().contains(c[2]), r.err());
      assertTrue(r.err().contains("leave --format out"), r.err());
    }
  }

  /**
   * Under a locale whose charset is not UTF-8 the JVM has already decoded the arguments lossily
   * (LC_ALL=C: every non-ASCII byte is '?'), so an argument that may have lost characters is
   * refused with the fix; plain ASCII reads the same in every charset and passes.
   */
  @Test
  void argumentsAJvmOutsideAUtf8LocaleMayHaveMangledAreRefused() {
    String[] mangled = {"explain", "--unit", "Zo?????????"};
    String p = Main.argumentEncodingProblem(mangled, "ANSI_X3.4-1968");
    assertTrue(p != null && p.contains("'Zo?????????' may have lost characters"), p);
    assertTrue(p.contains("export LC_ALL=C.UTF-8"), p);
    assertTrue(Main.argumentEncodingProblem(new String[] {"--unit", "Zoë"}, "ISO-8859-1") != null);
    assertEquals(null, Main.argumentEncodingProblem(new String[] {"--unit", "u-42"}, "US-ASCII"));
    assertEquals(null, Main.argumentEncodingProblem(mangled, "UTF-8"));
    assertEquals(null, Main.argumentEncodingProblem(new String[] {"Zoë字😀"}, "UTF8"));
  }

  @Test
  void badDatesAreUsageErrorsNamingTheOptionBeforeSparkStarts() {
    for (String stage : new String[] {"analyze", "report", "balance", "reconcile", "nightly"}) {
      Result r = run(stage, "--conf", "conf", "--date", "2026-13-01");
      assertEquals(2, r.code(), stage + ": " + r.err());
      assertTrue(r.err().contains("--date '2026-13-01' is not a date"), stage + ": " + r.err());
    }
    Result r = run("balance", "--conf", "conf", "--from", "2026-11-05", "--to", "2026-11-01");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--to 2026-11-01 is before --from 2026-11-05"), r.err());
    assertEquals(2, run("analyze", "--conf", "conf").code()); // --date is required
  }

  @Test
  void validateAcceptsTheProjectConf() {
    Result r = run("validate", "--conf", "conf");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("checkout_button@1.0.0"));
  }

  @Test
  void explainTracesEveryStep() throws Exception {
    Result r =
        run(
            "explain",
            "--experiment",
            "search_ranking@1.0.0",
            "--unit",
            "u-42",
            "--at",
            "2026-11-04T10:00:00Z",
            "--attr",
            "platform=ios",
            "--attr",
            "account_age_days=30");
    assertEquals(0, r.code(), r.err());
    for (String line :
        new String[] {"window", "eligibility", "holdout", "namespace", "traffic", "position"}) {
      assertTrue(r.out().contains(line), line + " missing:\n" + r.out());
    }
    assertTrue(r.out().contains("ramp step 2 of 3"), r.out());

    Result j =
        run(
            "explain",
            "--experiment",
            "checkout_button",
            "--unit",
            "u-7",
            "--at",
            "2026-11-02T00:00:00Z",
            "--attr",
            "country=US",
            "--json");
    assertEquals(0, j.code(), j.err());
    JsonNode n = new ObjectMapper().readTree(j.out());
    assertEquals("checkout_button", n.get("experiment").asText());
    double expectedHoldout = NativeHash.position("holdout-2026h2", "u-7");
    assertEquals(expectedHoldout, n.get("holdout_position").asDouble(), 0.0);
    if (expectedHoldout >= 0.05) {
      double p = NativeHash.position("checkout_button", "u-7");
      assertEquals(p, n.get("position").asDouble(), 0.0);
      assertEquals(p < 0.5 ? "control" : "big_button", n.get("arm").asText());
    }

    Result ineligible =
        run(
            "explain",
            "--experiment",
            "checkout_button",
            "--unit",
            "u-7",
            "--at",
            "2026-11-02T00:00:00Z",
            "--attr",
            "country=JP");
    assertTrue(ineligible.out().contains("not assigned: not eligible"), ineligible.out());
    Result outside =
        run("explain", "--experiment", "checkout_button", "--unit", "u-7", "--at", "2027-01-01");
    assertTrue(outside.out().contains("outside the experiment window"), outside.out());
  }
}
