package io.assay.io;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import java.util.Optional;
import org.apache.spark.sql.Column;

/**
 * The keyed pseudonym of a unit id in row-level outputs: the first 32 hex digits (128 bits) of
 * {@code SHA-256(key + ":" + unit_id)}, computed with Spark built-ins. Without a key (privacy
 * pseudonymization off) the unit id passes through unchanged.
 */
public final class Pseudonyms {
  private Pseudonyms() {}

  public static Column unitKey(Column unitId, Optional<String> key) {
    if (key.isEmpty()) {
      return unitId;
    }
    return substring(sha2(concat(lit(key.get() + ":"), unitId), 256), 1, 32);
  }
}
