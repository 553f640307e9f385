package io.assay.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Counts the Spark jobs an action starts, to prove that work is fused into one scan (as Deequ's
 * SparkMonitor does). Jobs are attributed by job group, so concurrent background jobs of other
 * tests do not count.
 */
public final class JobCounter {
  private JobCounter() {}

  /** Runs {@code action} and returns how many Spark jobs it started. */
  public static int count(SparkSession spark, Runnable action) {
    String group = "jobcounter-" + System.nanoTime();
    AtomicInteger jobs = new AtomicInteger();
    SparkListener l =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            Object g = start.properties().getProperty("spark.jobGroup.id");
            if (group.equals(g)) {
              jobs.incrementAndGet();
            }
          }
        };
    spark.sparkContext().addSparkListener(l);
    try {
      spark.sparkContext().setJobGroup(group, "counted", false);
      action.run();
      // Listener events are delivered asynchronously; wait until the bus is drained.
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Spark listener bus did not drain", e);
      }
    } finally {
      spark.sparkContext().clearJobGroup();
      spark.sparkContext().removeSparkListener(l);
    }
    return jobs.get();
  }
}
