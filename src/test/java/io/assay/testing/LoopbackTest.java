package io.assay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every server the tests start listens on the loopback interface only: the sockets in state LISTEN
 * of this JVM (Spark's driver, the HDFS NameNode and DataNode with their web UIs) and of S3Proxy's
 * process, read from Linux's {@code /proc}.
 */
@SparkTest
@Tag("servers")
class LoopbackTest {
  @Test
  void everyListeningSocketIsOnTheLoopback(SparkSession spark) throws IOException {
    Hdfs.get();
    S3 s3 = S3.get();
    List<String> here = listening(ProcessHandle.current().pid());
    assertFalse(here.isEmpty(), "the NameNode listens in this JVM");
    assertEquals(List.of(), here.stream().filter(a -> !a.startsWith("127.")).toList(), "" + here);
    long proxy =
        s3.process()
            .descendants()
            .filter(h -> h.info().command().orElse("").endsWith("java"))
            .findFirst()
            .orElseThrow()
            .pid();
    List<String> there = listening(proxy);
    assertEquals(List.of("127.0.0.1:" + s3.endpoint().getPort()), there);
  }

  /** The local addresses of {@code pid}'s TCP sockets in state LISTEN, as {@code ip:port}. */
  static List<String> listening(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed between listing and reading it
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
          out.add(address(f[1]));
        }
      }
    }
    return out;
  }

  /** {@code 0100007F:1F90} → {@code 127.0.0.1:8080}; IPv6 words are little-endian too. */
  static String address(String hex) {
    String[] hp = hex.split(":");
    int port = Integer.parseInt(hp[1], 16);
    String ip = hp[0];
    if (ip.length() == 8) {
      return v4(ip) + ":" + port;
    }
    if (ip.startsWith("0000000000000000FFFF0000")) { // ::ffff:a.b.c.d
      return v4(ip.substring(24)) + ":" + port;
    }
    if (ip.equals("00000000000000000000000001000000")) {
      return "[::1]:" + port;
    }
    return "[" + ip + "]:" + port;
  }

  private static String v4(String le) {
    return Integer.parseInt(le.substring(6, 8), 16)
        + "."
        + Integer.parseInt(le.substring(4, 6), 16)
        + "."
        + Integer.parseInt(le.substring(2, 4), 16)
        + "."
        + Integer.parseInt(le.substring(0, 2), 16);
  }
}
