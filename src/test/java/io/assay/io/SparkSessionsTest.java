package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The task slots of a local master, which size Delta's snapshot rebuilds in embedded runs. */
class SparkSessionsTest {
  @Test
  void localMastersGiveTheirTaskSlots() {
    assertEquals(1, SparkSessions.localCores("local"));
    assertEquals(3, SparkSessions.localCores("local[3]"));
    assertEquals(2, SparkSessions.localCores("local[2,4]"));
    assertEquals(1, SparkSessions.localCores("local[0]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), SparkSessions.localCores("local[*]"));
    assertEquals(1, SparkSessions.localCores("spark://127.0.0.1:7077"));
  }
}
