package io.assay.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.config.AssayConfig;
import io.assay.config.ConfigException;
import io.assay.config.Location;
import io.assay.io.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the key of the keyed hash that pseudonymizes unit ids in row-level outputs. The key
 * never comes from a committed file: it is read from the environment variable named by {@code
 * privacy.key_env}, else from {@code privacy.key_file} (which the loader requires to lie outside
 * the configuration directory). With pseudonymization on and no key, the run stops before Spark
 * starts.
 */
public final class PseudonymKey {
  /**
   * The file in an output root that says how its unit-level tables identify units: raw ids, or
   * pseudonyms under a key known by its fingerprint.
   */
  public static final String ROOT_FILE = "_pseudonymization.json";

  private static final Logger LOG = LoggerFactory.getLogger(PseudonymKey.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private PseudonymKey() {}

  /**
   * A fingerprint that names a key without revealing it: the first 16 hex digits of
   * HMAC-SHA256(key, "assay pseudonym key fingerprint"); {@code raw} without a key.
   */
  public static String fingerprint(Optional<String> key) {
    if (key.isEmpty()) {
      return "raw";
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] h = mac.doFinal("assay pseudonym key fingerprint".getBytes(StandardCharsets.UTF_8));
      return "hmac-sha256:" + HexFormat.of().formatHex(h).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes sure a run writes unit-level rows with the key the output root was built with. The first
   * run that needs a key records its fingerprint in {@value #ROOT_FILE}; a later run with another
   * key — or with pseudonymization switched on or off — stops before Spark starts (exit 2): its
   * rows would name each unit twice, under two pseudonyms, and every count of units would double.
   * Call it holding the root's output lock.
   */
  public static void guard(Location root, Optional<String> key, String runId) {
    if (verify(root, key)) {
      return;
    }
    Storage storage = Storage.beforeSpark();
    if (storage.isDirectory(root.resolve("enrollments"))) {
      LOG.warn(
          "{} holds tables but no {}: recording this run's key; earlier runs' key cannot be"
              + " checked",
          root,
          ROOT_FILE);
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("unit_ids", key.isPresent() ? "pseudonymized" : "raw");
    o.put("key_fingerprint", fingerprint(key));
    o.put("recorded_by_run", runId);
    io.assay.io.OutputLock.assertHeld();
    storage.writeText(root.resolve(ROOT_FILE), o.toPrettyString() + "\n");
  }

  /**
   * Checks {@code key} against the output root's record: true when it matches, false when the root
   * has no record yet; a {@link ConfigException} naming the fix when it does not match.
   */
  public static boolean verify(Location root, Optional<String> key) {
    Storage storage = Storage.beforeSpark();
    Location file = root.resolve(ROOT_FILE);
    if (!storage.exists(file)) {
      return false;
    }
    String mine = fingerprint(key);
    String theirs;
    try {
      theirs = JSON.readTree(storage.readText(file)).path("key_fingerprint").asText("");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw ConfigException.single(
          file.toString(),
          "key_fingerprint",
          "cannot read the output root's key record: " + e.getMessage(),
          "restore the file, or rebuild the root into a new directory");
    }
    if (theirs.equals(mine)) {
      return true;
    }
    String what =
        theirs.equals("raw")
            ? "this output root holds raw unit ids (pseudonymization was off when it was built),"
                + " but this run pseudonymizes them"
            : mine.equals("raw")
                ? "this output root holds pseudonymized unit ids, but pseudonymization is off for"
                    + " this run"
                : "the pseudonymization key differs from the one this output root was built with"
                    + " (fingerprint "
                    + theirs
                    + ", this key gives "
                    + mine
                    + ")";
    throw ConfigException.single(
        file.toString(),
        "key_fingerprint",
        what + ": its unit-level tables would name every unit twice and count it twice",
        "run with the root's key (privacy.key_env / privacy.key_file); to change keys or the"
            + " privacy setting, rebuild into a new output root (--out NEW_ROOT) from the first"
            + " date: reconcile --from FIRST --to LAST, then balance, analyze and report");
  }

  /** The key, or empty when pseudonymization is off. */
  public static Optional<String> resolve(AssayConfig.Privacy p, Map<String, String> env) {
    if (!p.pseudonymize()) {
      return Optional.empty();
    }
    String fromEnv = env.get(p.keyEnv());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromEnv.strip());
    }
    if (p.keyFile().isPresent()) {
      Path f = p.keyFile().get();
      try {
        String k = Files.readString(f, StandardCharsets.UTF_8).strip();
        if (!k.isEmpty()) {
          return Optional.of(k);
        }
      } catch (IOException e) {
        throw ConfigException.single(
            f.toString(),
            "",
            "cannot read the pseudonymization key: " + e.getMessage(),
            "create the file with a secret, or set " + p.keyEnv());
      }
    }
    throw ConfigException.single(
        "assay.yaml",
        "privacy",
        "pseudonymization is on but no key is set ($"
            + p.keyEnv()
            + " is empty"
            + p.keyFile().map(f -> " and " + f + " is empty").orElse("")
            + ")",
        "export " + p.keyEnv() + "=<secret> (or set privacy.key_file to a file outside conf/)");
  }
}
