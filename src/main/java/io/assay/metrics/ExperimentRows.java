package io.assay.metrics;

import static org.apache.spark.sql.functions.col;

import io.assay.config.ExperimentDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows of many experiments brought to the driver one experiment version at a time: the rows are
 * sorted by {@code (experiment, version)} in Spark and read with {@code toLocalIterator}, one
 * partition at a time, so the driver holds one partition and one experiment's rows, never the whole
 * table ({@code docs/decisions/0017-streamed-analysis.md}). Experiments are taken in {@link
 * #ORDER}, the order Spark sorts them in.
 */
final class ExperimentRows {
  /** Spark's order of strings (UTF-8 bytes, unsigned), by key, then version. */
  static final Comparator<ExperimentDefinition> ORDER =
      Comparator.<ExperimentDefinition, UTF8String>comparing(e -> UTF8String.fromString(e.key()))
          .thenComparing(e -> UTF8String.fromString(e.version().toString()));

  private final Iterator<Row> rows;
  private Row next;
  private long read;
  private int largest;
  private long largestBytes;

  /**
   * Experiment × metric pairs per partition read back: at hundreds of metrics per experiment a few
   * experiments' rows (tens of MiB), and a small night's rows in one partition, so one Spark job.
   */
  static final int PAIRS_PER_PARTITION = 2_000;

  /**
   * @param rows rows of the experiments, with {@code experiment} and {@code version} columns
   * @param pairs how many experiment × metric pairs they hold, which sets how many partitions (each
   *     read in one piece) they are read in
   */
  ExperimentRows(Dataset<Row> rows, long pairs) {
    int partitions = (int) Math.max(1, (pairs + PAIRS_PER_PARTITION - 1) / PAIRS_PER_PARTITION);
    this.rows =
        rows.repartitionByRange(partitions, col("experiment"), col("version"))
            .sortWithinPartitions(col("experiment"), col("version"))
            .toLocalIterator();
    advance();
  }

  private ExperimentRows() {
    this.rows = java.util.Collections.emptyIterator();
  }

  /** No rows: every experiment's are empty (a table that was not written). */
  static ExperimentRows none() {
    return new ExperimentRows();
  }

  private void advance() {
    next = rows.hasNext() ? rows.next() : null;
    if (next != null) {
      read++;
    }
  }

  /**
   * The rows of {@code e}, which must not sort before an experiment taken earlier. Rows of
   * experiments that sort before it (none in {@code experiments}) are skipped.
   */
  List<Row> take(ExperimentDefinition e) {
    UTF8String key = UTF8String.fromString(e.key());
    UTF8String version = UTF8String.fromString(e.version().toString());
    List<Row> out = new ArrayList<>();
    while (next != null) {
      int c = UTF8String.fromString(next.getAs("experiment")).compareTo(key);
      if (c == 0) {
        c = UTF8String.fromString(next.getAs("version")).compareTo(version);
      }
      if (c > 0) {
        break;
      }
      if (c == 0) {
        out.add(next);
      }
      advance();
    }
    if (out.size() > largest) {
      largest = out.size();
      largestBytes = org.apache.spark.util.SizeEstimator.estimate(out);
    }
    return out;
  }

  /** Rows read so far. */
  long read() {
    return read;
  }

  /** The most rows one experiment had. */
  int largest() {
    return largest;
  }

  /** Their size on the heap, estimated (Spark's {@code SizeEstimator}). */
  long largestBytes() {
    return largestBytes;
  }
}
