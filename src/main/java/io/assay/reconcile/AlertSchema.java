package io.assay.reconcile;

import org.apache.spark.sql.types.StructType;

/**
 * The {@code alerts} table, shared by every stage: one row per alert raised for a date, with the
 * stage that raised it, the check, its value and threshold, and a message saying where to look.
 */
public final class AlertSchema {
  public static final StructType SCHEMA =
      StructType.fromDDL(
          "date DATE, stage STRING, experiment STRING, version STRING, check STRING,"
              + " severity STRING, value DOUBLE, threshold DOUBLE, message STRING");

  private AlertSchema() {}
}
