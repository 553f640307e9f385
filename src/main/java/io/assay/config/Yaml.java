package io.assay.config;

import com.fasterxml.jackson.core.JsonLocation;
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
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Reads YAML files into trees, reporting syntax errors as problems with line and column. */
public final class Yaml {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private Yaml() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The file's tree, or null (with a problem recorded) when it is missing or not valid YAML. */
  public static JsonNode read(Path file, String shownName, Problems problems) {
    if (!Files.isRegularFile(file)) {
      problems.error(shownName, "", "file not found", "create it (see docs/configuration.md)");
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (n == null || n.isMissingNode() || n.isNull()) {
        problems.error(shownName, "", "file is empty", "write the definition's fields");
        return null;
      }
      if (!n.isObject()) {
        problems.error(
            shownName,
            "",
            "expected a mapping of fields at the top level, found " + SpecNode.describe(n),
            "write the definition as 'field: value' lines");
        return null;
      }
      return n;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      problems.error(
          shownName, where, "not valid YAML: " + e.getOriginalMessage(), "fix the syntax");
      return null;
    } catch (IOException e) {
      problems.error(
          shownName, "", "cannot read: " + e.getMessage(), "check the file's permissions");
      return null;
    }
  }

  /**
   * SHA-256 of a tree's canonical form: keys sorted, numbers in their shortest exact decimal form,
   * no whitespace. Comments and formatting do not change it; any change of a value does.
   */
  public static String canonicalSha256(JsonNode node) {
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
      return new ObjectMapper().writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
