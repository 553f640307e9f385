package io.assay.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.json_array_length;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.assay.config.ExposureMapping;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Problem;
import io.assay.config.Source;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads raw exposure logs (DESIGN §4.1), partitioned {@code date=YYYY-MM-DD} — or a catalog table
 * or query with a date column ({@link ExposureSource}) — into one normalized shape whatever the
 * source, so that ingest classifies every row the same way:
 *
 * <pre>
 * date DATE         the partition the row was read from (a catalog source: its date column)
 * file STRING       the file the row was read from (a Hadoop URI; null for a query whose rows
 *                   come from no one file, such as a join)
 * raw STRING        the record as read (JSON line, or the row rendered as JSON)
 * corrupt BOOLEAN   the record is not a JSON object or a field has the wrong type
 * binary STRING     JSON only: the kind of binary file whose bytes the line starts with (e.g.
 *                   "gzip-compressed"), null for text
 * event_id, ts, unit_id, experiment, version, arm, source STRING   (null when absent)
 * attributes MAP&lt;STRING,STRING&gt;, flags ARRAY&lt;STRING&gt;
 * </pre>
 *
 * <p>JSON is read as text and parsed with {@code from_json} against an explicit schema (every
 * scalar as text, so a number where text is expected is still read; timestamps are parsed later),
 * so a malformed line becomes a row to quarantine rather than a failed job. A line is the text up
 * to a {@code \n} (or to the end of the file): a carriage return is a line end only right before
 * the {@code \n} (CRLF files), never alone, so a raw CR inside a string cannot split a record and
 * the rows read are the lines {@code wc -l} counts (plus a last line without {@code \n}). A line
 * that is not valid UTF-8 is corrupt (JSON text is UTF-8; Spark would silently replace the bytes).
 * Files are decompressed by Spark by their name ({@code .gz}, {@code .bz2}); a compressed or other
 * binary file under a text name is flagged in {@link #BINARY} so the job can fail naming it.
 * Parquet, Delta and catalog sources are read with their own schema; a missing required column is
 * an {@link InputProblem}. Cost: one scan of the requested partitions (of a catalog source: of the
 * rows its date filter selects, pushed into the scan), no shuffle.
 */
public final class ExposureLogs {
  public static final String DATE = "date";
  public static final String FILE = "file";
  public static final String RAW = "raw";
  public static final String CORRUPT = "corrupt";
  public static final String BINARY = "binary";
  public static final String EVENT_ID = "event_id";
  public static final String TS = "ts";
  public static final String UNIT_ID = "unit_id";
  public static final String EXPERIMENT = "experiment";
  public static final String VERSION = "version";
  public static final String ARM = "arm";
  public static final String ATTRIBUTES = "attributes";
  public static final String FLAGS = "flags";
  public static final String SOURCE = "source";

  /** The required fields, in the order their absence is reported. */
  public static final List<String> REQUIRED =
      List.of(EVENT_ID, TS, UNIT_ID, EXPERIMENT, VERSION, ARM);

  private static final StructType JSON_SCHEMA =
      new StructType()
          .add(EVENT_ID, DataTypes.StringType)
          .add(TS, DataTypes.StringType)
          .add(UNIT_ID, DataTypes.StringType)
          .add(EXPERIMENT, DataTypes.StringType)
          .add(VERSION, DataTypes.StringType)
          .add(ARM, DataTypes.StringType)
          .add(ATTRIBUTES, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(FLAGS, DataTypes.createArrayType(DataTypes.StringType))
          .add(SOURCE, DataTypes.StringType)
          .add("_corrupt", DataTypes.StringType);

  /**
   * Files that are not text, by the bytes they start with: compressed streams (whose first line
   * then starts with those bytes when the file is read as text), archives and columnar files. A
   * JSON line starts with <code>{</code>, so none of these prefixes can start a valid record.
   */
  private record Magic(String kind, String hex) {
    byte[] bytes() {
      return HexFormat.of().parseHex(hex);
    }
  }

  private static final List<Magic> MAGIC =
      List.of(
          new Magic("gzip-compressed", "1f8b"),
          new Magic("bzip2-compressed", "425a68"),
          new Magic("zstd-compressed", "28b52ffd"),
          new Magic("xz-compressed", "fd377a585a00"),
          new Magic("lz4-compressed", "04224d18"),
          new Magic("snappy-compressed", "ff060000734e61507059"),
          new Magic("zlib-compressed", "7801"),
          new Magic("zlib-compressed", "789c"),
          new Magic("zlib-compressed", "78da"),
          new Magic("a zip archive", "504b0304"),
          new Magic("a Parquet file", "50415231"),
          new Magic("an Avro file", "4f626a01"));

  /** What the run log calls the logs. */
  static final String NAME = "exposure_logs";

  /** The types a catalog source's date column may have. */
  private static final List<DataType> DATE_TYPES =
      List.of(DataTypes.DateType, DataTypes.StringType);

  static final String DATE_TYPE_NAMES = "DATE, or STRING holding YYYY-MM-DD";

  private ExposureLogs() {}

  /** The partition directory of a date under the logs root. */
  public static Location partition(Location root, LocalDate date) {
    return root.resolve(DATE + "=" + date);
  }

  /** Dates among {@code wanted} whose partition directory is missing (one check per date). */
  public static List<LocalDate> missing(Storage storage, Location root, List<LocalDate> wanted) {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d : wanted) {
      if (!storage.isDirectory(partition(root, d))) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Reads the dates {@code dates} of the logs in the normalized shape. Files: every date's
   * partition must exist. A catalog table or a query: the rows whose date column holds one of the
   * dates, in one read with the filter on that column (pushed into the scan: partition pruning or a
   * Parquet filter where the table allows it); a date without rows reads nothing.
   */
  public static Dataset<Row> read(
      SparkSession spark, RunContext ctx, ExposureSource logs, List<LocalDate> dates) {
    if (logs.source() instanceof Source.Files f) {
      return read(spark, ctx, f.location(), f.format(), dates, logs.columns());
    }
    Dataset<Row> t = Inputs.source(spark, ctx, NAME, logs.source());
    String where = logs.source().describe();
    String dateColumn = logs.dateColumn();
    Column date = date(t, logs).as(DATE);
    Dataset<Row> rows = t.filter(inDates(t, logs, dates));
    Column file =
        readsFiles(rows)
            ? col("_metadata.file_path")
            : lit(null).cast(DataTypes.StringType); // a query over a join: no one file
    return normalizeTyped(rows, date, file, dateColumn, logs.columns(), where);
  }

  /**
   * The dates among {@code dates} for which a catalog table or query holds rows: one Spark job that
   * reads only the date column, with the filter pushed into the scan.
   */
  public static java.util.Set<LocalDate> landed(
      SparkSession spark, ExposureSource logs, List<LocalDate> dates) {
    Dataset<Row> t = Inputs.source(spark, logs.source());
    java.util.Set<LocalDate> out = new java.util.TreeSet<>();
    for (Row r :
        t.filter(inDates(t, logs, dates)).select(date(t, logs)).distinct().collectAsList()) {
      out.add(r.getDate(0).toLocalDate());
    }
    return out;
  }

  /**
   * The condition selecting {@code dates} on the date column: equality with DATE values, or with
   * their {@code YYYY-MM-DD} text for a text column (so the filter stays a plain comparison on the
   * column, which Spark pushes into the scan).
   */
  private static Column inDates(Dataset<Row> t, ExposureSource logs, List<LocalDate> dates) {
    DataType type = dateType(t, logs);
    Object[] values =
        type instanceof StringType
            ? dates.stream().map(LocalDate::toString).toArray()
            : dates.stream().map(java.sql.Date::valueOf).toArray();
    return col(logs.dateColumn()).isin(values);
  }

  /** The date column as a DATE. */
  private static Column date(Dataset<Row> t, ExposureSource logs) {
    Column c = col(logs.dateColumn());
    return dateType(t, logs) instanceof StringType ? c.cast(DataTypes.DateType) : c;
  }

  /**
   * The type of the date column of a catalog source: {@code DATE}, or {@code STRING} holding {@code
   * YYYY-MM-DD}; anything else is an {@link InputProblem} naming the column and the fix.
   */
  static DataType dateType(Dataset<Row> t, ExposureSource logs) {
    String c = logs.dateColumn();
    List<String> have = Arrays.asList(t.columns());
    if (!have.contains(c)) {
      throw new InputProblem(
          logs.source().describe(),
          "the exposure log has no column '"
              + c
              + "' (data.logs.date_column; columns: "
              + have
              + "): name its date column in data.logs.date_column");
    }
    DataType type = t.schema().apply(c).dataType();
    if (!isDateType(type)) {
      throw new InputProblem(
          logs.source().describe(),
          "the date column '"
              + c
              + "' (data.logs.date_column) is "
              + type.sql()
              + "; expected "
              + DATE_TYPE_NAMES
              + ": name a DATE column, or derive one in a query (sql: SELECT *, to_date(ts) AS"
              + " event_date FROM …)");
    }
    return type;
  }

  /** Whether a catalog source's date column may have this type. */
  public static boolean isDateType(DataType type) {
    return DATE_TYPES.contains(type);
  }

  /** Whether the rows come straight from files, so that each row can name its file. */
  private static boolean readsFiles(Dataset<Row> t) {
    try {
      t.select(col("_metadata.file_path")).schema();
      return true;
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
      return false;
    }
  }

  /**
   * Reads the partitions of {@code dates} (all of which must exist) in the normalized shape.
   *
   * @param format {@code json}, {@code parquet} or {@code delta}
   */
  public static Dataset<Row> read(
      SparkSession spark, RunContext ctx, Location root, String format, List<LocalDate> dates) {
    return read(spark, ctx, root, format, dates, ExposureMapping.IDENTITY);
  }

  /**
   * As {@link #read(SparkSession, RunContext, Location, String, List)}, with the columns of typed
   * files mapped to the exposure fields by {@code columns} (JSON files have assay's own shape).
   */
  public static Dataset<Row> read(
      SparkSession spark,
      RunContext ctx,
      Location root,
      String format,
      List<LocalDate> dates,
      ExposureMapping columns) {
    if (format.equals("delta")) {
      Dataset<Row> t = Inputs.delta(spark, ctx, NAME, root);
      requirePartitioned(t, root.toString());
      Column inDates = col(DATE).isin(dates.stream().map(java.sql.Date::valueOf).toArray());
      return normalizeTyped(t.filter(inDates), columns, root.toString());
    }
    if (format.equals("json") && !columns.isIdentity()) {
      throw new InputProblem(
          root.toString(),
          "data.logs.columns maps the columns of typed logs, and these logs are JSON files (read"
              + " in assay's own shape): give their format (parquet, delta), or read them through a"
              + " query, data.logs.sql");
    }
    String[] paths = dates.stream().map(d -> partition(root, d).uri()).toArray(String[]::new);
    Inputs.files(spark, ctx, NAME, format, List.of(paths));
    if (format.equals("parquet")) {
      Dataset<Row> t = spark.read().option("basePath", root.uri()).parquet(paths);
      requirePartitioned(t, root.toString());
      return normalizeTyped(t, columns, root.toString());
    }
    // Lines end at \n only (Spark's default also splits at a lone \r, inside a record).
    Dataset<Row> read =
        spark.read().option("basePath", root.uri()).option("lineSep", "\n").text(paths);
    Column v = col("value");
    // A CRLF file's \r belongs to the line end, not to the record.
    Column crlf = when(v.endsWith("\r"), v.substr(lit(1), length(v).minus(1))).otherwise(v);
    Dataset<Row> text =
        read.select(col(DATE), crlf.as("value"), col("_metadata.file_path").as(FILE));
    Column parsed =
        from_json(
            col("value"),
            JSON_SCHEMA,
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", "_corrupt"));
    Column line = trim(col("value"));
    // Spark's parser reads the first object of a line and ignores what follows; a line must be
    // exactly one object, so text around it makes the record corrupt too — including a second
    // object ("{...}{...}"), caught by reading the line as the only element of a JSON array
    // (json_array_length skips over the elements: null for "[{...}{...}]", 2 for "[{...},{...}]").
    Column single = json_array_length(concat(lit("["), col("value"), lit("]"))).equalTo(1);
    Column corrupt =
        col("j")
            .isNull()
            .or(col("j._corrupt").isNotNull())
            .or(not(line.startsWith("{").and(line.endsWith("}"))))
            .or(not(coalesce(single, lit(false))))
            .or(not(is_valid_utf8(col("value"))));
    List<Column> cols = new ArrayList<>();
    cols.add(col(DATE).cast(DataTypes.DateType).as(DATE));
    cols.add(col(FILE));
    cols.add(col("value").as(RAW));
    cols.add(coalesce(corrupt, lit(true)).as(CORRUPT));
    cols.add(binary(col("value")).as(BINARY));
    for (StructField f : JSON_SCHEMA.fields()) {
      if (!f.name().equals("_corrupt")) {
        cols.add(col("j." + f.name()).as(f.name()));
      }
    }
    return text.select(col(DATE), col(FILE), col("value"), parsed.as("j"))
        .select(cols.toArray(Column[]::new));
  }

  /**
   * The kind of binary file a line's bytes start with ({@link #MAGIC}), else null. Lines that start
   * with <code>{</code> (every record worth reading) skip the comparisons.
   */
  static Column binary(Column line) {
    Column bytes = line.cast(DataTypes.BinaryType);
    Column kind = lit(null).cast(DataTypes.StringType);
    for (int i = MAGIC.size() - 1; i >= 0; i--) {
      Magic m = MAGIC.get(i);
      kind =
          when(substring(bytes, 1, m.bytes().length).equalTo(lit(m.bytes())), lit(m.kind()))
              .otherwise(kind);
    }
    return when(line.startsWith("{"), lit(null).cast(DataTypes.StringType)).otherwise(kind);
  }

  private static void requireColumns(Dataset<Row> t, String path) {
    List<String> have = Arrays.asList(t.columns());
    for (String c : REQUIRED) {
      if (!have.contains(c)) {
        throw new InputProblem(
            path,
            "the exposure log has no column '"
                + c
                + "' (columns: "
                + have
                + "); it must follow the schema in docs/schema.md");
      }
    }
  }

  private static void requirePartitioned(Dataset<Row> t, String path) {
    if (!Arrays.asList(t.columns()).contains(DATE)) {
      throw new InputProblem(path, "the exposure log is not partitioned by 'date'");
    }
  }

  /** Parquet/Delta files partitioned by {@code date}. */
  private static Dataset<Row> normalizeTyped(
      Dataset<Row> t, ExposureMapping columns, String where) {
    return normalizeTyped(
        t,
        col(DATE).cast(DataTypes.DateType).as(DATE),
        col("_metadata.file_path"),
        DATE,
        columns,
        where);
  }

  /**
   * Typed columns rendered as text, missing optional columns as null; with a mapping, each field
   * from its expression ({@link ExposureMapping}).
   *
   * @param date the row's date partition, as a DATE
   * @param file the file the row was read from (null when unknown)
   * @param dateColumn the column the date comes from, which {@link #RAW} leaves out
   * @param where the source, for messages
   */
  private static Dataset<Row> normalizeTyped(
      Dataset<Row> t,
      Column date,
      Column file,
      String dateColumn,
      ExposureMapping columns,
      String where) {
    List<String> have = Arrays.asList(t.columns());
    List<Column> dataCols = new ArrayList<>();
    for (String c : have) {
      if (!c.equals(dateColumn)) {
        dataCols.add(col(c));
      }
    }
    // The source row as read: what the quarantine shows, and what a derived event id hashes.
    Column raw = to_json(org.apache.spark.sql.functions.struct(dataCols.toArray(Column[]::new)));
    Map<String, Column> fields = fields(t, columns, raw, where);
    List<Column> cols = new ArrayList<>();
    cols.add(date.as(DATE));
    cols.add(file.as(FILE));
    cols.add(raw.as(RAW));
    cols.add(lit(false).as(CORRUPT));
    cols.add(lit(null).cast(DataTypes.StringType).as(BINARY));
    for (StructField f : JSON_SCHEMA.fields()) {
      if (!f.name().equals("_corrupt")) {
        cols.add(fields.get(f.name()).as(f.name()));
      }
    }
    return t.select(cols.toArray(Column[]::new));
  }

  /**
   * Each exposure field of {@code t} as a column of the normalized type. assay's own shape: the
   * column of the field's name (a missing required one is an {@link InputProblem}; a missing
   * optional one null). A mapping: each field from its expression, {@code event_id} when not mapped
   * the SHA-256 of the row's content, {@code version} when not mapped null (ingest then takes the
   * version whose window holds {@code ts}), other fields not mapped null. An expression that does
   * not resolve on {@code t}, or gives the wrong kind of value, is an {@link InputProblem} naming
   * {@code data.logs.columns.FIELD}.
   */
  static Map<String, Column> fields(
      Dataset<Row> t, ExposureMapping columns, Column raw, String where) {
    List<String> have = Arrays.asList(t.columns());
    if (columns.isIdentity()) {
      requireColumns(t, where);
    }
    Map<String, Column> out = new java.util.LinkedHashMap<>();
    for (StructField f : JSON_SCHEMA.fields()) {
      String name = f.name();
      if (name.equals("_corrupt")) {
        continue;
      }
      Column value;
      if (columns.isIdentity()) {
        value = have.contains(name) ? col(name) : null;
      } else if (columns.maps(name)) {
        value = mapped(t, columns, name, where);
      } else if (name.equals(EVENT_ID)) {
        // Derived from the row's content: exact copies of a row are duplicates, as they are.
        value = org.apache.spark.sql.functions.sha2(raw, 256);
      } else {
        value = null;
      }
      if (value == null) {
        out.put(name, lit(null).cast(f.dataType()));
      } else if (name.equals(TS) && isTimestamp(t.select(value).schema().fields()[0].dataType())) {
        // Render typed timestamps in the same ISO form JSON logs carry, so ingest parses one form.
        out.put(
            name,
            org.apache.spark.sql.functions.date_format(value, "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"));
      } else {
        out.put(name, value.cast(f.dataType()));
      }
    }
    return out;
  }

  /** The column a mapping gives {@code field}, checked on {@code t}'s schema (no Spark job). */
  private static Column mapped(
      Dataset<Row> t, ExposureMapping columns, String field, String where) {
    Optional<Problem> p = mappingProblem(t, columns, field);
    if (p.isPresent()) {
      throw new InputProblem(
          where, p.get().path() + ": " + p.get().message() + "; " + p.get().fix());
    }
    if (field.equals(ATTRIBUTES) && !columns.attributeColumns().isEmpty()) {
      List<Column> kv = new ArrayList<>();
      for (String c : columns.attributeColumns()) {
        kv.add(lit(c));
        kv.add(col(CatalogTables.quoted(List.of(c))).cast(DataTypes.StringType));
      }
      // An attribute whose column is null is absent, as a field missing from a JSON record is.
      return org.apache.spark.sql.functions.map_filter(
          org.apache.spark.sql.functions.map(kv.toArray(Column[]::new)), (k, v) -> v.isNotNull());
    }
    return org.apache.spark.sql.functions.expr(columns.expression(field).orElseThrow());
  }

  /**
   * What is wrong with the mapping of {@code field} on a source whose frame is {@code t}: an
   * expression that does not resolve (a missing column, a wrong function), or that gives the wrong
   * kind of value; an attribute column the source lacks. Analysis only, no Spark job. The problem's
   * file is empty (the caller knows it); its path is {@code data.logs.columns.FIELD}.
   */
  public static Optional<Problem> mappingProblem(
      Dataset<Row> t, ExposureMapping columns, String field) {
    String at = "data.logs.columns." + field;
    List<String> have = Arrays.asList(t.columns());
    if (field.equals(ATTRIBUTES) && !columns.attributeColumns().isEmpty()) {
      for (String c : columns.attributeColumns()) {
        if (!have.contains(c)) {
          return Optional.of(
              new Problem(
                  "",
                  at,
                  "the source has no column '" + c + "' (columns: " + have + ")",
                  "name its columns, or give attributes as a MAP expression"));
        }
      }
      return Optional.empty();
    }
    String expression = columns.expression(field).orElseThrow();
    DataType type;
    try {
      type =
          t.select(org.apache.spark.sql.functions.expr(expression)).schema().fields()[0].dataType();
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
      return Optional.of(
          new Problem(
              "",
              at,
              "'"
                  + expression
                  + "' cannot be evaluated on the source: "
                  + CatalogTables.firstLine(e),
              "write a Spark SQL expression over its columns " + have));
    }
    boolean ok =
        switch (field) {
          case ATTRIBUTES -> type instanceof org.apache.spark.sql.types.MapType;
          case FLAGS -> type instanceof org.apache.spark.sql.types.ArrayType;
          default -> type instanceof org.apache.spark.sql.types.AtomicType;
        };
    if (ok) {
      return Optional.empty();
    }
    return Optional.of(
        new Problem(
            "",
            at,
            "'" + expression + "' gives " + type.sql(),
            field
                + " needs "
                + switch (field) {
                  case ATTRIBUTES ->
                      "a MAP (e.g. map('country', country)), or a list of column names";
                  case FLAGS -> "an ARRAY of text";
                  default -> "a single value (text, a number or a timestamp)";
                }));
  }

  private static boolean isTimestamp(DataType t) {
    return t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType);
  }
}
