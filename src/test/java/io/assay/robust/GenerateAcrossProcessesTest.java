package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.generate.GeneratedWorldTest;
import io.assay.testing.Fixtures;
import io.assay.testing.TestConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same seed gives byte-identical files from two separate processes (two JVMs, different heap
 * sizes), Parquet footers included: {@code GeneratedWorldTest} generates twice in one JVM, where
 * the Parquet encodings' order in footers (a hash set of enum constants) is fixed for the life of
 * the process; across processes it depends on {@code ParquetEncodingOrder}.
 */
class GenerateAcrossProcessesTest {
  private static Path generate(Path conf, String heap) throws Exception {
    Path dir = Fixtures.tempDir("world-process-");
    Path world = dir.resolve("world");
    List<String> args = new ArrayList<>(List.of("generate", "--units", "1500", "--days", "2"));
    args.addAll(List.of("--seed", "11", "--conf", conf.toString(), "--out", world.toString()));
    Process p =
        ChildJvm.start(dir.resolve("child.log"), List.of(heap), args.toArray(String[]::new));
    assertEquals(0, ChildJvm.finish(p), ChildJvm.text(dir.resolve("child.log")));
    return world;
  }

  @Test
  void twoProcessesWriteTheSameBytes() throws Exception {
    Path conf = TestConf.copy();
    Map<String, String> a = GeneratedWorldTest.fingerprints(generate(conf, "-Xmx1g"));
    Map<String, String> b = GeneratedWorldTest.fingerprints(generate(conf, "-Xmx768m"));
    assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("sessions/")), a.keySet().toString());
    assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("orders/")), a.keySet().toString());
    assertEquals(a, b);
  }
}
