package io.assay.testing;

import io.assay.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs an {@code assay} command in this JVM, as {@code jobs/assay} would, and keeps its output. */
public final class Commands {
  /** The exit code, and what the command printed (standard output and error, interleaved). */
  public record Ran(int code, String text) {}

  private Commands() {}

  public static Ran run(String... args) {
    StringWriter text = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(text));
    cl.setErr(new PrintWriter(text));
    return new Ran(cl.execute(args), text.toString());
  }

  public static Ran run(List<String> args) {
    return run(args.toArray(String[]::new));
  }
}
