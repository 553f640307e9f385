package io.assay.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;

/**
 * Reads configuration files into {@link YamlNode} trees whose scalars keep their exact text, and
 * reports every reason a file cannot be used (missing, a symbolic link loop, permission denied, too
 * large, not UTF-8, not valid YAML, more than one document, anchors, duplicate keys) as a problem
 * naming the file and, where there is one, the line.
 *
 * <p>Parsing uses SnakeYAML's event stream (SnakeYAML comes with Jackson's YAML module): no YAML
 * type resolution happens there, so nothing is rewritten before a field decides what its value is.
 */
public final class Yaml {
  /** Configuration files larger than this are refused before parsing (3 MiB). */
  public static final long MAX_BYTES = 3L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STR_TAG = "tag:yaml.org,2002:str";

  private Yaml() {}

  /** The file's top-level mapping, or null (with a problem recorded) when it cannot be used. */
  static YamlNode.Mapping read(Path file, String shownName, Problems problems) {
    if (!ConfPaths.check(file, ConfPaths.Kind.FILE, shownName, problems)) {
      return null;
    }
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        problems.error(
            shownName,
            "",
            "the file is "
                + size
                + " bytes, more than the "
                + MAX_BYTES
                + "-byte (3 MiB) limit for configuration files",
            "a definition is a few kilobytes: check that this is the intended file, or shorten it");
        return null;
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (AccessDeniedException e) {
      problems.error(
          shownName,
          "",
          "permission denied: the file cannot be read",
          "give the user running assay read permission on it (chmod a+r " + shownName + ")");
      return null;
    } catch (CharacterCodingException e) {
      problems.error(
          shownName, "", "the file is not UTF-8 text", "save it as UTF-8 (YAML files are UTF-8)");
      return null;
    } catch (IOException e) {
      problems.error(
          shownName,
          "",
          "the file cannot be read: " + ConfPaths.reason(e),
          "check the file and the disk it is on");
      return null;
    }
    return parse(text, shownName, problems);
  }

  /** Parses YAML text holding one document whose top level is a mapping. */
  static YamlNode.Mapping parse(String text, String shownName, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE); // read() bounds the size in bytes first
    Iterator<Event> events =
        new org.yaml.snakeyaml.Yaml(options).parse(new StringReader(text)).iterator();
    try {
      events.next(); // stream start
      Event e = events.next();
      if (e.is(Event.ID.StreamEnd)) {
        problems.error(shownName, "", "file is empty", "write the definition's fields");
        return null;
      }
      YamlNode root = node(events.next(), events); // e is the document start
      events.next(); // document end
      Event after = events.next();
      if (after.is(Event.ID.DocumentStart)) {
        throw new Bad(
            after.getStartMark(),
            "the file holds more than one YAML document (a '---' line starts another one here);"
                + " only the first would be read",
            "keep one definition per file: remove the '---' line and what follows it, or move"
                + " that document to a file of its own");
      }
      if (root instanceof YamlNode.Scalar s && s.isNull()) {
        problems.error(shownName, "", "file is empty", "write the definition's fields");
        return null;
      }
      if (!(root instanceof YamlNode.Mapping m)) {
        problems.error(
            shownName,
            "",
            "expected a mapping of fields at the top level, found " + SpecNode.describe(root),
            "write the definition as 'field: value' lines");
        return null;
      }
      return m;
    } catch (Bad b) {
      problems.error(shownName, where(b.mark), b.getMessage(), b.fix);
      return null;
    } catch (MarkedYAMLException y) {
      Mark m = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
      String what = y.getProblem() != null ? y.getProblem() : y.getMessage();
      if (y.getContext() != null) {
        what = y.getContext() + ", " + what;
      }
      problems.error(
          shownName, where(m), "not valid YAML: " + what, "fix the YAML syntax at that place");
      return null;
    } catch (YAMLException y) {
      problems.error(shownName, "", "not valid YAML: " + y.getMessage(), "fix the YAML syntax");
      return null;
    }
  }

  private static String where(Mark m) {
    return m == null ? "" : "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
  }

  /** A structural problem at a place in the file. */
  private static final class Bad extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Mark mark;
    final String fix;

    Bad(Mark mark, String message, String fix) {
      super(message, null, false, false);
      this.mark = mark;
      this.fix = fix;
    }
  }

  private static YamlNode node(Event e, Iterator<Event> events) {
    Mark at = e.getStartMark();
    int line = at.getLine() + 1;
    int column = at.getColumn() + 1;
    if (e instanceof AliasEvent) {
      throw new Bad(
          at,
          "aliases (*name) are not supported in configuration files",
          "write the value out in full");
    }
    if (e instanceof NodeEvent n && n.getAnchor() != null) {
      throw new Bad(
          at,
          "anchors (&" + n.getAnchor() + ") are not supported in configuration files",
          "remove the anchor and write every value out in full");
    }
    if (e instanceof ScalarEvent s) {
      String tag = s.getTag();
      if (tag != null && !tag.equals("!") && !tag.equals(STR_TAG)) {
        throw new Bad(
            at,
            "the tag " + tag + " is not supported",
            "remove the tag; quote a value to make it text");
      }
      return new YamlNode.Scalar(s.getValue(), s.isPlain() && tag == null, line, column);
    }
    if (e instanceof CollectionStartEvent c && c.getTag() != null) {
      throw new Bad(at, "the tag " + c.getTag() + " is not supported", "remove the tag");
    }
    if (e instanceof SequenceStartEvent) {
      List<YamlNode> items = new ArrayList<>();
      for (Event x = events.next(); !x.is(Event.ID.SequenceEnd); x = events.next()) {
        items.add(node(x, events));
      }
      return new YamlNode.Sequence(List.copyOf(items), line, column);
    }
    if (e instanceof MappingStartEvent) {
      Map<String, YamlNode> fields = new LinkedHashMap<>();
      Map<String, Integer> keyLines = new LinkedHashMap<>();
      for (Event k = events.next(); !k.is(Event.ID.MappingEnd); k = events.next()) {
        YamlNode key = node(k, events);
        if (!(key instanceof YamlNode.Scalar ks)) {
          throw new Bad(
              k.getStartMark(),
              "a mapping key must be a name, found " + SpecNode.describe(key),
              "write the key as a plain name");
        }
        String name = ks.text();
        Integer first = keyLines.putIfAbsent(name, ks.line());
        if (first != null) {
          throw new Bad(
              k.getStartMark(),
              "duplicate field '" + name + "' (first at line " + first + ")",
              "keep one of the two");
        }
        fields.put(name, node(events.next(), events));
      }
      return new YamlNode.Mapping(java.util.Collections.unmodifiableMap(fields), line, column);
    }
    throw new Bad(at, "unexpected YAML event " + e.getEventId(), "fix the YAML syntax");
  }

  /**
   * SHA-256 of a definition's canonical form: keys sorted, no whitespace, each scalar rendered as
   * the type its field read it as — numbers in their shortest exact decimal form, booleans as
   * {@code true}/{@code false}, text as a JSON string of its exact characters. Comments and
   * formatting do not change it ({@code 0.5} and {@code 0.50} in a number field are the same); any
   * change of a value does ({@code salt: 1.5} and {@code salt: 1.50} are different salts).
   *
   * <p>Compatibility: assay versions before this reading rendered every plain scalar that looked
   * like a number as that number, even in text fields. A text scalar whose text is exactly how the
   * old reading rendered it ({@link #legacyBare}) is therefore still rendered bare, so the hash of
   * a definition whose meaning did not change is the one its lock line holds.
   */
  static String canonicalSha256(YamlNode node) {
    StringBuilder b = new StringBuilder();
    canonical(node, b);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  private static void canonical(YamlNode n, StringBuilder b) {
    if (n instanceof YamlNode.Mapping m) {
      Map<String, YamlNode> sorted = new TreeMap<>(m.fields());
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, YamlNode> e : sorted.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        b.append(quote(e.getKey())).append(':');
        canonical(e.getValue(), b);
      }
      b.append('}');
    } else if (n instanceof YamlNode.Sequence s) {
      b.append('[');
      for (int i = 0; i < s.items().size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        canonical(s.items().get(i), b);
      }
      b.append(']');
    } else {
      b.append(canonicalScalar((YamlNode.Scalar) n));
    }
  }

  private static String canonicalScalar(YamlNode.Scalar s) {
    if (s.isNull()) {
      return "null";
    }
    YamlNode.Reading r = s.reading();
    if (r == null) {
      // Not read by any field (only in a definition that also has errors): render by its look.
      r =
          s.bool() != null
              ? YamlNode.Reading.BOOLEAN
              : s.isDecimal() ? YamlNode.Reading.NUMBER : YamlNode.Reading.TEXT;
    }
    return switch (r) {
      case NUMBER -> canonicalNumber(s.text());
      case BOOLEAN -> String.valueOf(s.bool());
      case TEXT -> s.plain() && legacyBare(s.text()) ? s.text() : quote(s.text());
    };
  }

  /**
   * A number in its shortest exact decimal form. Whole numbers are exact; others go through the
   * double they are read as (the value every computation uses), so {@code 0.1} stays {@code 0.1}.
   */
  static String canonicalNumber(String text) {
    BigDecimal d =
        YamlNode.Scalar.INTEGER.matcher(text).matches()
            ? new BigDecimal(text)
            : BigDecimal.valueOf(Double.parseDouble(text));
    d = d.stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  private static final Pattern BARE_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern BARE_FRACTION = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]*[1-9]");

  /**
   * True when the old reading of this plain text was a number whose text is this very text and
   * whose canonical rendering is this text too (e.g. {@code 2026}, {@code 1.5}); false when the old
   * reading rewrote it ({@code 0123} → 83, {@code 1.50} → 1.5, {@code 0.0001} → 1.0E-4) or did not
   * take it for a number at all.
   */
  static boolean legacyBare(String text) {
    if (BARE_INTEGER.matcher(text).matches()) {
      return !text.equals("-0");
    }
    return BARE_FRACTION.matcher(text).matches()
        && Double.toString(Double.parseDouble(text)).equals(text);
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
