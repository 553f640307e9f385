package io.assay.io;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One output table, declared once in {@link OutputTables}: its name (the directory under the output
 * root, and the name in {@code output.database}), the columns a stage writes, in order, and how it
 * is partitioned. Every row also carries {@code run_id} and {@code schema_version}, added when it
 * is written ({@link OutputTables#stamp}). Writers go through {@link #conform} and readers through
 * {@link #read}: a stage that drops, renames, retypes or reorders a column fails at the write that
 * does it, not in the stage that reads it next.
 *
 * @param columns the columns a stage writes ({@code run_id} and {@code schema_version} come after)
 * @param partitionBy partition columns ({@code date} for the tables replaced a date at a time)
 */
public record OutputTable(String name, StructType columns, List<String> partitionBy) {
  public OutputTable {
    partitionBy = List.copyOf(partitionBy);
  }

  /** A table partitioned by {@code date}, declared in DDL. */
  static OutputTable byDate(String name, String ddl) {
    return new OutputTable(name, StructType.fromDDL(ddl), List.of("date"));
  }

  /** An unpartitioned table, declared in DDL. */
  static OutputTable whole(String name, String ddl) {
    return new OutputTable(name, StructType.fromDDL(ddl), List.of());
  }

  /**
   * {@code rows} as this table's columns, in the declared order. A declared column that is missing,
   * or whose type differs (nullability aside), or a column that is not declared, is a programming
   * error: an {@link IllegalStateException} naming the table and the column.
   */
  public Dataset<Row> conform(Dataset<Row> rows) {
    StructType have = rows.schema();
    List<String> problems = new ArrayList<>();
    for (StructField f : columns.fields()) {
      if (!List.of(have.fieldNames()).contains(f.name())) {
        problems.add("missing column " + f.name());
      } else if (retyped(f, have) != null) {
        problems.add("column " + retyped(f, have));
      }
    }
    for (String n : have.fieldNames()) {
      if (!List.of(columns.fieldNames()).contains(n)) {
        problems.add("undeclared column " + n);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "rows written to " + name + " do not match its declaration: " + problems);
    }
    return rows.select(select(columns));
  }

  /**
   * An upstream copy of this table as read ({@code stored}), checked against the declaration: a
   * declared column of another type (an output root written by another version of assay) is an
   * {@link InputProblem} naming the table, the column and the fix. Columns are not required to be
   * all there: a reader selects the ones it uses, and Spark names a missing one when it resolves
   * the query, before anything runs.
   */
  Dataset<Row> read(Dataset<Row> stored, String location) {
    StructType have = stored.schema();
    for (StructField f : columns.fields()) {
      if (List.of(have.fieldNames()).contains(f.name()) && retyped(f, have) != null) {
        throw new InputProblem(
            location,
            name
                + "."
                + retyped(f, have)
                + " (written by another version of assay?); rerun the stage that writes "
                + name);
      }
    }
    return stored;
  }

  private static Column[] select(StructType s) {
    return java.util.Arrays.stream(s.fieldNames())
        .map(n -> col("`" + n + "`"))
        .toArray(Column[]::new);
  }

  /**
   * "{@code c is T, declared U}" when column {@code f} of {@code have} has another type than
   * declared (nullability aside), else null.
   */
  private static String retyped(StructField f, StructType have) {
    DataType t = have.apply(f.name()).dataType();
    return sameType(t, f.dataType())
        ? null
        : f.name() + " is " + t.simpleString() + ", declared " + f.dataType().simpleString();
  }

  /** Types equal but for nullability (a DDL declares nullable fields; Spark may infer non-null). */
  static boolean sameType(DataType a, DataType b) {
    return a.simpleString().equals(b.simpleString());
  }
}
