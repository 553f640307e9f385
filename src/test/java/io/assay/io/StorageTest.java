package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.assay.config.Location;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Storage} on the local file system, through Hadoop's {@code file:} file system. */
class StorageTest {
  @TempDir Path tmp;

  private final Storage storage = Storage.of(new Configuration());

  private Location at(String rel) {
    return Location.local(tmp).resolve(rel);
  }

  @Test
  void writeReadListAndDelete() throws Exception {
    Location f = at("reports/2026-11-14/index.json");
    storage.writeText(f, "{\"é\": 1}\n");
    assertEquals("{\"é\": 1}\n", Files.readString(f.localPath(), StandardCharsets.UTF_8));
    assertEquals("{\"é\": 1}\n", storage.readText(f));
    assertArrayEquals("{\"é\": 1}\n".getBytes(StandardCharsets.UTF_8), storage.readBytes(f));
    storage.writeText(f, "{}"); // replaces
    assertEquals("{}", storage.readText(f));
    storage.writeText(at("reports/2026-11-14/a.md"), "# a");
    assertTrue(storage.exists(f));
    assertTrue(storage.isDirectory(at("reports")));
    assertFalse(storage.isDirectory(f));
    assertFalse(storage.isDirectory(at("nothing")));
    List<Storage.Entry> entries = storage.list(at("reports/2026-11-14"));
    assertEquals(List.of("a.md", "index.json"), entries.stream().map(Storage.Entry::name).toList());
    assertEquals(3, entries.get(0).length());
    assertFalse(entries.get(0).isDirectory());
    assertTrue(entries.get(0).modificationTime() > 0);
    // Hadoop's checksum files are not written beside the data
    assertFalse(Files.exists(tmp.resolve("reports/2026-11-14/.index.json.crc")));

    assertTrue(storage.delete(at("reports")));
    assertFalse(storage.exists(f));
    assertFalse(storage.delete(at("reports")), "nothing to delete");
  }

  @Test
  void createNewCreatesOnce() {
    Location lock = at("out/_assay.lock");
    assertTrue(storage.createNew(lock, "run 1"));
    assertFalse(storage.createNew(lock, "run 2"));
    assertEquals("run 1", storage.readText(lock));
  }

  @Test
  void mkdirsCopyTreeAndRename() {
    storage.mkdirs(at("a/b"));
    assertTrue(storage.isDirectory(at("a/b")));
    storage.writeText(at("a/b/x.txt"), "x");
    storage.copyTree(at("a"), at("c"));
    assertEquals("x", storage.readText(at("c/b/x.txt")));
    storage.rename(at("c"), at("d"));
    assertFalse(storage.exists(at("c")));
    assertEquals("x", storage.readText(at("d/b/x.txt")));
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> storage.rename(at("a"), at("d/b/x.txt")));
    assertTrue(e.getMessage().contains("cannot rename " + tmp.resolve("a")), e.getMessage());
    UncheckedIOException inTheWay =
        assertThrows(UncheckedIOException.class, () -> storage.mkdirs(at("a/b/x.txt")));
    assertTrue(inTheWay.getMessage().contains(tmp.resolve("a/b/x.txt").toString()));
  }

  @Test
  void aMissingFileIsAnInputProblemNamingIt() {
    InputProblem read = assertThrows(InputProblem.class, () -> storage.readText(at("none.json")));
    assertEquals(tmp.resolve("none.json") + ": no such file or directory", read.getMessage());
    InputProblem list = assertThrows(InputProblem.class, () -> storage.list(at("none")));
    assertTrue(list.getMessage().startsWith(tmp.resolve("none").toString()), list.getMessage());
  }

  @Test
  void permissionDeniedSaysSo() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
    Location f = at("secret.json");
    storage.writeText(f, "{}");
    Files.setPosixFilePermissions(f.localPath(), PosixFilePermissions.fromString("-w-------"));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> storage.readText(f));
    assertEquals(
        "cannot read " + f.localPath() + ": permission denied", e.getMessage(), e.getMessage());
  }

  @Test
  void anUnknownSchemeNamesItAndTheFix() {
    Location l = Location.parse("nosuchfs://bucket/x", tmp);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> storage.exists(l));
    assertTrue(e.getMessage().startsWith("cannot check nosuchfs://bucket/x: "), e.getMessage());
    assertTrue(e.getMessage().contains("no file system for the scheme 'nosuchfs'"), e.getMessage());
  }

  @Test
  void atomicRenameByScheme() {
    assertTrue(storage.atomicRename(at("x")));
    assertTrue(storage.atomicRename(Location.parse("hdfs://nn/x", tmp)));
    assertTrue(storage.atomicRename(Location.parse("abfss://c@a.dfs.core.windows.net/x", tmp)));
    assertFalse(storage.atomicRename(Location.parse("s3a://b/x", tmp)));
    assertFalse(storage.atomicRename(Location.parse("gs://b/x", tmp)));
  }
}
