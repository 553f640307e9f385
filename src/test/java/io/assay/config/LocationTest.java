package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocationTest {
  private static final Path CONF = Path.of("/etc/assay/conf");

  @ParameterizedTest
  @CsvSource({
    "s3a://bucket/data, s3a, s3a://bucket/data",
    "s3a://bucket/data/, s3a, s3a://bucket/data",
    "s3a://bucket/, s3a, s3a://bucket",
    "hdfs://nn:8020/warehouse/x, hdfs, hdfs://nn:8020/warehouse/x",
    "hdfs:/x, hdfs, hdfs:/x",
    "abfss://c@acct.dfs.core.windows.net/p, abfss, abfss://c@acct.dfs.core.windows.net/p",
    "gs://b/k, gs, gs://b/k",
    "S3A://bucket/k, s3a, s3a://bucket/k",
    "viewfs://cluster/a, viewfs, viewfs://cluster/a",
  })
  void uriKeepsItsScheme(String text, String scheme, String uri) {
    Location l = Location.parse(text, CONF);
    assertEquals(scheme, l.scheme());
    assertEquals(uri, l.uri());
    assertEquals(uri, l.toString());
    assertFalse(l.isLocal());
    assertThrows(IllegalStateException.class, l::localPath);
  }

  @ParameterizedTest
  @CsvSource({
    "out, /etc/assay/conf/out",
    "../data/./x/, /etc/assay/data/x",
    "/srv/assay/out, /srv/assay/out",
    "file:/srv/out, /srv/out",
    "file:///srv/out, /srv/out",
    "file://localhost/srv/out, /srv/out",
    "C:/data, /etc/assay/conf/C:/data",
    "a:b, /etc/assay/conf/a:b",
  })
  void pathsAndFileUrisAreLocal(String text, String path) {
    Location l = Location.parse(text, CONF);
    assertTrue(l.isLocal());
    assertEquals("file", l.scheme());
    assertEquals(Path.of(path), l.localPath());
    assertEquals(path, l.toString());
    assertEquals("file:" + path, l.uri());
  }

  @Test
  void relativeBaseDirIsMadeAbsolute() {
    Location l = Location.parse("out", Path.of("conf"));
    assertEquals(Path.of("conf/out").toAbsolutePath().normalize(), l.localPath());
  }

  @Test
  void s3AndS3nAreRefusedWithTheS3aFix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Location.parse("s3://b/k", CONF));
    assertTrue(e.getMessage().contains("use s3a://b/k (Hadoop's S3 connector)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Location.parse("s3n://b/k", CONF));
    assertTrue(e.getMessage().contains("s3n: scheme is not supported"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "'', is empty",
    "'   ', is empty",
    "s3a:/k, use s3a://BUCKET/PATH",
    "s3a:///k, use s3a://BUCKET/PATH",
    "gs:k, use gs://BUCKET/PATH",
    "file:relative/x, needs an absolute path",
    "file://otherhost/x, names the host 'otherhost'",
  })
  void badTextIsRefusedWithTheFix(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Location.parse(text, CONF));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void plainPathsUnderAUriBaseResolveUnderIt() {
    Location root = Location.parse("s3a://bucket/data", CONF);
    assertEquals("s3a://bucket/data/logs", Location.parse("logs", root).uri());
    assertEquals("s3a://bucket/data/a/b", Location.parse("a/b/", root).uri());
    assertEquals("s3a://bucket/other", Location.parse("../other", root).uri());
    assertEquals("hdfs://nn/x", Location.parse("hdfs://nn/x", root).uri());
  }

  @Test
  void resolveParentAndName() {
    Location r = Location.parse("s3a://bucket/out", CONF);
    Location t = r.resolve("reports/2026-11-14");
    assertEquals("s3a://bucket/out/reports/2026-11-14", t.uri());
    assertEquals("2026-11-14", t.name());
    assertEquals(Optional.of(r.resolve("reports")), t.parent());
    assertEquals("s3a://bucket", r.parent().orElseThrow().uri());
    assertEquals(Optional.empty(), r.parent().orElseThrow().parent());
    assertEquals("", r.parent().orElseThrow().name());
    assertEquals("s3a://bucket/x", r.resolve("../x").uri());
    assertEquals("hdfs:/", Location.parse("hdfs:/x", CONF).parent().orElseThrow().uri());

    Location local = Location.parse("/srv/out", CONF);
    assertEquals("file:/srv/out/runs/x", local.resolve("runs/x").uri());
    assertEquals("x", local.resolve("runs/x").name());
    assertEquals(Location.parse("/srv", CONF), local.parent().orElseThrow());
    assertEquals(Optional.empty(), Location.parse("/", CONF).parent());
  }

  @Test
  void equalityIsByUri() {
    assertEquals(Location.parse("file:///srv/out", CONF), Location.parse("/srv/out/", CONF));
    assertEquals(
        Location.parse("s3a://b/k/", CONF).hashCode(),
        Location.parse("s3a://b/k", CONF).hashCode());
    assertFalse(Location.parse("s3a://b/k", CONF).equals(Location.parse("gs://b/k", CONF)));
  }
}
