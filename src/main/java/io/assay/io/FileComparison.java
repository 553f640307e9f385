package io.assay.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Compares the files a run writes beside its tables — JSON reports and CSV exports — the way {@link
 * TableComparison} compares tables (decision 0006): the run's own identity is ignored, numbers
 * agree within a relative {@value TableComparison#RELATIVE_TOLERANCE}, everything else exactly.
 *
 * <p>A run records each such file with the SHA-256 of its comparable content ({@link
 * #fingerprint}); a re-run whose file has the same fingerprint is equal. Otherwise, when the
 * original file is still there, {@link #differences} says where they differ beyond the tolerance.
 */
public final class FileComparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields of a JSON report's {@code run} object that name the run itself, not its results. */
  private static final List<String> RUN_IDENTITY = List.of("run_id", "started_at");

  private FileComparison() {}

  /** SHA-256 (hex) of the file's comparable content. */
  public static String fingerprint(String fileName, String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(comparable(fileName, text).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The content that must reproduce: a JSON report without the identity of the run that wrote it
   * ({@code run.run_id}, {@code run.started_at}: a nightly's report names the nightly itself); any
   * other file as it is.
   */
  static String comparable(String fileName, String text) {
    if (!fileName.endsWith(".json")) {
      return text;
    }
    JsonNode tree = parse(fileName, text);
    if (tree.get("run") instanceof ObjectNode run) {
      run.remove(RUN_IDENTITY);
    }
    return tree.toString();
  }

  /**
   * Where two versions of a file differ beyond the tolerance (at most {@code max} places, each a
   * JSON pointer or {@code line:column} with both values); empty when they agree.
   */
  public static List<String> differences(String fileName, String a, String b, int max) {
    List<String> out = new ArrayList<>();
    if (fileName.endsWith(".json")) {
      JsonNode x = parse(fileName, comparable(fileName, a));
      JsonNode y = parse(fileName, comparable(fileName, b));
      json("", x, y, out, max);
    } else {
      csv(a, b, out, max);
    }
    return out;
  }

  private static void json(String at, JsonNode a, JsonNode b, List<String> out, int max) {
    if (out.size() >= max) {
      return;
    }
    if (a.isNumber() && b.isNumber()) {
      if (!close(a.asDouble(), b.asDouble())) {
        out.add(at + ": " + a + " vs " + b);
      }
      return;
    }
    if (a.isObject() && b.isObject()) {
      List<String> names = new ArrayList<>();
      a.fieldNames().forEachRemaining(names::add);
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        String n = it.next();
        if (!names.contains(n)) {
          names.add(n);
        }
      }
      for (String n : names) {
        JsonNode x = a.get(n);
        JsonNode y = b.get(n);
        if (x == null || y == null) {
          out.add(
              at
                  + "/"
                  + n
                  + ": "
                  + (x == null ? "missing" : x)
                  + " vs "
                  + (y == null ? "missing" : y));
        } else {
          json(at + "/" + n, x, y, out, max);
        }
      }
      return;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        out.add(at + ": " + a.size() + " vs " + b.size() + " elements");
        return;
      }
      for (int i = 0; i < a.size(); i++) {
        json(at + "/" + i, a.get(i), b.get(i), out, max);
      }
      return;
    }
    if (!a.equals(b)) {
      out.add(at + ": " + a + " vs " + b);
    }
  }

  private static void csv(String a, String b, List<String> out, int max) {
    List<String> x = a.lines().toList();
    List<String> y = b.lines().toList();
    if (x.size() != y.size()) {
      out.add("lines: " + x.size() + " vs " + y.size());
      return;
    }
    for (int i = 0; i < x.size() && out.size() < max; i++) {
      if (x.get(i).equals(y.get(i))) {
        continue;
      }
      // Cells never hold a comma unquoted; a quoted cell is compared as text.
      String[] p = x.get(i).split(",", -1);
      String[] q = y.get(i).split(",", -1);
      if (p.length != q.length) {
        out.add((i + 1) + ": " + x.get(i) + " vs " + y.get(i));
        continue;
      }
      for (int j = 0; j < p.length && out.size() < max; j++) {
        if (!p[j].equals(q[j]) && !numbersClose(p[j], q[j])) {
          out.add((i + 1) + ":" + (j + 1) + ": " + p[j] + " vs " + q[j]);
        }
      }
    }
  }

  private static boolean numbersClose(String p, String q) {
    try {
      return close(Double.parseDouble(p), Double.parseDouble(q));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** As {@link TableComparison}: equal (±∞ included), both NaN, or finite and within tolerance. */
  static boolean close(double a, double b) {
    if (a == b || (Double.isNaN(a) && Double.isNaN(b))) {
      return true;
    }
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return false;
    }
    return Math.abs(a - b)
        <= Math.max(Math.abs(a), Math.abs(b)) * TableComparison.RELATIVE_TOLERANCE
            + TableComparison.ABSOLUTE_TOLERANCE;
  }

  private static JsonNode parse(String fileName, String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          fileName + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
