package io.assay.config;

/**
 * Where the exposure logs come from ({@code data.logs}), the column that holds each row's date
 * partition, and how the source's columns become assay's exposure fields. Files are partitioned in
 * {@code date=YYYY-MM-DD} directories, so their date column is {@code date}; a catalog table or a
 * query names its own ({@code date_column}, a {@code DATE} column or text {@code YYYY-MM-DD}).
 *
 * @param columns how the source's columns map to the exposure fields ({@link
 *     ExposureMapping#IDENTITY}: assay's own shape)
 */
public record ExposureSource(Source source, String dateColumn, ExposureMapping columns) {
  /** The partition column of date-partitioned log files. */
  public static final String PARTITION_COLUMN = "date";

  /** A source in assay's own log shape. */
  public ExposureSource(Source source, String dateColumn) {
    this(source, dateColumn, ExposureMapping.IDENTITY);
  }

  /**
   * Log files at {@code location}, in {@code format} ({@code json}, {@code parquet} or {@code
   * delta}).
   */
  public static ExposureSource files(Location location, String format) {
    return new ExposureSource(new Source.Files(location, format), PARTITION_COLUMN);
  }

  /** The log format of a files source, else null. */
  public String format() {
    return source instanceof Source.Files f ? f.format() : null;
  }
}
