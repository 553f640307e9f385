package io.assay.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a stage's independent writes at the same time. Writing a small Delta table is mostly
 * driver-side latency (planning, reading the log, committing) with a few short tasks in between, so
 * a night that writes eight small tables one after another leaves the executors idle for most of
 * it; run side by side, one table's commit overlaps another's tasks.
 *
 * <p>The threads are created by each call, so they inherit the caller's Spark job group and local
 * properties. Every task runs to its end (none is abandoned half-written); the first failure, in
 * task order, is then rethrown as it was thrown.
 */
public final class Concurrently {
  /** More threads than this only queue more driver work on a small machine. */
  private static final int MAX_THREADS = 3;

  private Concurrently() {}

  /** Runs the tasks, at most {@value #MAX_THREADS} at a time, and returns when all have ended. */
  public static void run(List<Runnable> tasks) {
    if (tasks.size() <= 1) {
      tasks.forEach(Runnable::run);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_THREADS, tasks.size()));
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Runnable t : tasks) {
        running.add(pool.submit(t));
      }
      Throwable first = null;
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          first = first == null ? e : first;
        }
      }
      if (first instanceof RuntimeException r) {
        throw r;
      }
      if (first instanceof Error err) {
        throw err;
      }
      if (first != null) {
        throw new IllegalStateException(first);
      }
    } finally {
      pool.shutdown();
    }
  }
}
