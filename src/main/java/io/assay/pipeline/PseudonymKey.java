package io.assay.pipeline;

import io.assay.config.AssayConfig;
import io.assay.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the key of the keyed hash that pseudonymizes unit ids in row-level outputs. The key
 * never comes from a committed file: it is read from the environment variable named by {@code
 * privacy.key_env}, else from {@code privacy.key_file} (which the loader requires to lie outside
 * the configuration directory). With pseudonymization on and no key, the run stops before Spark
 * starts.
 */
public final class PseudonymKey {
  private PseudonymKey() {}

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
