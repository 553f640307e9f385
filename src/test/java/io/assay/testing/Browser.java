package io.assay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium}, installed by {@code jobs/test.sh}) for testing the
 * HTML reports in a real browser: the DOM after load, the console messages, and screenshots. Runs
 * with no network access of its own (background networking, sync and updates off).
 */
public final class Browser {
  /** The page after load, and every console message the page produced. */
  public record Page(String dom, List<String> console) {}

  private Browser() {}

  public static Path executable() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    throw new IllegalStateException(
        "Chromium is not installed: run jobs/test.sh (it installs the packages in .ci/packages.txt)");
  }

  public static Page load(Path html) {
    Result r = run(List.of("--dump-dom", html.toUri().toString()));
    List<String> console = new ArrayList<>();
    for (String line : r.stderr().split("\n")) {
      if (line.contains(":CONSOLE")) {
        console.add(line);
      }
    }
    return new Page(r.stdout(), console);
  }

  /**
   * Lays the page out in a window {@code width} pixels wide and returns the value of a JavaScript
   * expression evaluated after load (as a string: {@code JSON.stringify} for structures). The page
   * is copied beside itself with one script appended, so the report itself stays script-free.
   */
  public static String evaluate(Path html, int width, String expression) {
    try {
      Path copy = html.resolveSibling(".measure-" + html.getFileName());
      String page = Files.readString(html, StandardCharsets.UTF_8);
      String script =
          "<script>document.documentElement.setAttribute('data-result', String("
              + expression
              + "));</script>";
      int end = page.lastIndexOf("</body>");
      Files.writeString(
          copy,
          end < 0 ? page + script : page.substring(0, end) + script + page.substring(end),
          StandardCharsets.UTF_8);
      try {
        Result r =
            run(List.of("--window-size=" + width + ",1000", "--dump-dom", copy.toUri().toString()));
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("data-result=\"([^\"]*)\"").matcher(r.stdout());
        if (!m.find()) {
          throw new IllegalStateException("the script did not run: " + r.stderr());
        }
        return m.group(1)
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static void screenshot(Path html, Path png) {
    screenshot(html, png, 1280, 2400);
  }

  /** A screenshot of the page in a window of the given size. */
  public static void screenshot(Path html, Path png, int width, int height) {
    try {
      Files.createDirectories(png.getParent());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    run(
        List.of(
            "--screenshot=" + png.toAbsolutePath(),
            "--window-size=" + width + "," + height,
            html.toUri().toString()));
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("Chromium wrote no screenshot " + png);
    }
  }

  private record Result(String stdout, String stderr) {}

  private static Result run(List<String> args) {
    try {
      Path profile = Fixtures.tempDir("chromium-");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  executable().toString(),
                  "--headless=new",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-dev-shm-usage",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--disable-quic",
                  "--user-data-dir=" + profile,
                  "--enable-logging=stderr",
                  "--v=0"));
      cmd.addAll(args);
      Path out = profile.resolve("stdout.txt");
      Path err = profile.resolve("stderr.txt");
      Process p =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("Chromium did not finish within 120 s");
      }
      return new Result(
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
