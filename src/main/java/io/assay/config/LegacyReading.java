package io.assay.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How assay read definitions before text fields kept their exact text: Jackson's YAML tree, which
 * applies YAML 1.1 types to every plain scalar ({@code salt: 0123} became the number 83), and the
 * canonical form hashed from that tree. Used only to explain a lock mismatch: when a definition's
 * old hash is the one its lock line records, the file did not change, the reading did, and the
 * message says so (and which values the old reading rewrote) instead of "changed after it was
 * locked".
 */
final class LegacyReading {
  private static final ObjectMapper OLD =
      new ObjectMapper(new YAMLFactory())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A text value the old reading rewrote: {@code path: text} was read as {@code oldText}. */
  record Rewrite(String path, String text, String oldText) {
    @Override
    public String toString() {
      return path + ": " + text + " was read as " + oldText;
    }
  }

  private LegacyReading() {}

  /**
   * The values the old reading rewrote, when the old reading of {@code file} hashes to {@code
   * recorded} (possibly none, when only the hashing of an unchanged value differs); empty when the
   * old hash differs too, i.e. the file itself changed.
   */
  static Optional<List<Rewrite>> explain(Path file, String recorded) {
    JsonNode old;
    try {
      old = OLD.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (old == null || !recorded.equals(sha256(old))) {
      return Optional.empty();
    }
    Problems ignored = new Problems();
    YamlNode.Mapping tree = Yaml.read(file, file.toString(), ignored);
    if (tree == null) {
      return Optional.empty();
    }
    ExperimentReader.read(tree, file.toString(), null, null, ignored); // records the readings
    List<Rewrite> out = new ArrayList<>();
    walk(tree, old, "", out);
    return Optional.of(out);
  }

  private static void walk(YamlNode n, JsonNode old, String path, List<Rewrite> out) {
    if (old == null) {
      return;
    }
    if (n instanceof YamlNode.Mapping m) {
      for (Map.Entry<String, YamlNode> e : m.fields().entrySet()) {
        walk(
            e.getValue(),
            old.get(e.getKey()),
            path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
            out);
      }
    } else if (n instanceof YamlNode.Sequence s) {
      for (int i = 0; i < s.items().size(); i++) {
        walk(s.items().get(i), old.get(i), path + "[" + i + "]", out);
      }
    } else {
      YamlNode.Scalar s = (YamlNode.Scalar) n;
      if (s.reading() == YamlNode.Reading.TEXT
          && old.isValueNode()
          && !old.asText().equals(s.text())) {
        out.add(new Rewrite(path, s.text(), old.asText()));
      }
    }
  }

  /** The canonical hash as assay computed it from Jackson's tree (the format of old lock lines). */
  static String sha256(JsonNode node) {
    StringBuilder b = new StringBuilder();
    canonical(node, b);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  private static void canonical(JsonNode n, StringBuilder b) {
    if (n == null || n.isNull()) {
      b.append("null");
    } else if (n.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), e.getValue());
      }
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        b.append(quote(e.getKey())).append(':');
        canonical(e.getValue(), b);
      }
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        canonical(n.get(i), b);
      }
      b.append(']');
    } else if (n.isNumber()) {
      BigDecimal d = n.decimalValue().stripTrailingZeros();
      b.append(d.signum() == 0 ? "0" : d.toPlainString());
    } else if (n.isBoolean()) {
      b.append(n.asBoolean());
    } else {
      b.append(quote(n.asText()));
    }
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
