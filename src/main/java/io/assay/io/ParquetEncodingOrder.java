package io.assay.io;

import org.apache.parquet.column.Encoding;

/**
 * Makes the Parquet files a process writes byte-identical from one run to the next.
 *
 * <p>parquet-mr collects a column chunk's encodings in a {@code HashSet} of {@link Encoding}
 * constants and writes them to the footer in the set's iteration order. An enum's hash code is its
 * identity hash code, which HotSpot draws lazily, from a pseudo-random generator of the thread that
 * first asks, so the order (and 6 to 13 footer bytes of every file) changed from one process to the
 * next: two generator runs with the same seed wrote the same data pages but different files.
 *
 * <p>{@link #fix()} draws those hash codes first thing on the main thread, whose generator state
 * and whose calls before {@code main} are the same on every start of the same JVM, so the order is
 * too. It holds where the main thread's JVM writes the files (embedded local Spark, as {@code
 * jobs/assay} runs without {@code SPARK_HOME}); executors on a cluster draw their own, so there
 * compare Parquet files by their rows. {@code GenerateAcrossProcessesTest} checks it.
 */
public final class ParquetEncodingOrder {
  private ParquetEncodingOrder() {}

  /** Draws every {@link Encoding}'s identity hash code now; call first in {@code main}. */
  public static void fix() {
    for (Encoding e : Encoding.values()) {
      System.identityHashCode(e);
    }
  }
}
