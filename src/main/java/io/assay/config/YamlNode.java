package io.assay.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A YAML document as assay reads it. Unlike a JSON tree, a scalar keeps its text exactly as written
 * and whether it was plain (unquoted): its type is decided by the field that reads it, not by how
 * it looks. {@code salt: 0123} is the text {@code 0123} (a generic YAML tree would hold the octal
 * number 83), and {@code weight: 0.50} is the number 0.5.
 *
 * <p>Plain scalars are resolved with the YAML 1.2 core schema where a field asks for a type, and
 * with no YAML 1.1 rules at all: {@code null}, {@code Null}, {@code NULL}, {@code ~} and nothing
 * are null; {@code true}/{@code false} (also {@code True}, {@code TRUE} …) are booleans; numbers
 * are plain decimals. YAML 1.1's {@code yes/no/on/off}, octal {@code 0123}, {@code 0x1F}, {@code
 * 1_000} and {@code 1:20} are not numbers or booleans here; a number or boolean field rejects them
 * with a message saying so, and a text field takes them as written.
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
  /** 1-based line of the node's first character. */
  int line();

  /** 1-based column of the node's first character. */
  int column();

  /** A mapping; its keys are the key scalars' exact text, in file order. */
  record Mapping(Map<String, YamlNode> fields, int line, int column) implements YamlNode {
    YamlNode get(String key) {
      return fields.get(key);
    }
  }

  record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {}

  /** How a reader interpreted a scalar; the canonical form (the lock hash) renders it that way. */
  enum Reading {
    TEXT,
    NUMBER,
    BOOLEAN
  }

  /**
   * A scalar: its exact text, and whether it was written plain (not quoted, no block style, no
   * {@code !!str} tag). The reading is set once by the accessor that reads it.
   */
  final class Scalar implements YamlNode {
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
    private static final Set<String> TRUES = Set.of("true", "True", "TRUE");
    private static final Set<String> FALSES = Set.of("false", "False", "FALSE");
    private static final Pattern YAML11_BOOLEANS =
        Pattern.compile("y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF");

    /** A plain decimal: optional sign, digits with an optional fraction, optional exponent. */
    static final Pattern DECIMAL =
        Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    /** A whole number without an exponent. */
    static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");

    /** A leading zero followed by a digit: octal in YAML 1.1, decimal in YAML 1.2. */
    static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9].*");

    /** YAML 1.1 number forms that are text in YAML 1.2: hex, octal, binary, '_', base 60. */
    static final Pattern YAML11_NUMBER =
        Pattern.compile(
            "[-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?"
                + "|[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?)");

    static final Pattern NON_FINITE = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    private final String text;
    private final boolean plain;
    private final int line;
    private final int column;
    private Reading reading;

    Scalar(String text, boolean plain, int line, int column) {
      this.text = text;
      this.plain = plain;
      this.line = line;
      this.column = column;
    }

    /** The text exactly as written (quotes and escapes resolved, nothing else). */
    String text() {
      return text;
    }

    /** Written without quotes, block style or tag, so YAML resolves its type from its text. */
    boolean plain() {
      return plain;
    }

    @Override
    public int line() {
      return line;
    }

    @Override
    public int column() {
      return column;
    }

    boolean isNull() {
      return plain && NULLS.contains(text);
    }

    /** The boolean a plain {@code true}/{@code false} stands for, else null. */
    Boolean bool() {
      if (!plain) {
        return null;
      }
      return TRUES.contains(text) ? Boolean.TRUE : FALSES.contains(text) ? Boolean.FALSE : null;
    }

    /**
     * A plain word that YAML 1.1 reads as a boolean and YAML 1.2 as text ({@code yes}, {@code on}).
     */
    boolean isYaml11Boolean() {
      return plain && YAML11_BOOLEANS.matcher(text).matches();
    }

    /** A plain decimal number without an ambiguous leading zero. */
    boolean isDecimal() {
      return plain && DECIMAL.matcher(text).matches() && !LEADING_ZERO.matcher(text).matches();
    }

    Reading reading() {
      return reading;
    }

    void read(Reading r) {
      // A scalar is read once; if two readers disagreed, the text reading is the one that keeps
      // every character, so it wins in the canonical form.
      reading = reading == null || reading == r ? r : Reading.TEXT;
    }

    @Override
    public String toString() {
      return plain ? text : "'" + text + "'";
    }
  }
}
