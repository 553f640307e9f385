package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.assay.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * An input the user may not read is named, with "permission denied" and the fix, before Spark reads
 * it (issue 19, item 21): Spark reports such a file as "File does not exist". Readable trees,
 * missing paths (reported by the readers) and non-local paths pass.
 */
class LocalReadabilityTest {

  @Test
  void readableTreesMissingPathsAndRemotePathsPass() throws IOException {
    Path root = tree();
    assertDoesNotThrow(() -> LocalReadability.require(root.toString()));
    assertDoesNotThrow(() -> LocalReadability.require("file:" + root));
    assertDoesNotThrow(() -> LocalReadability.require(root.resolve("date=2026-11-01").toString()));
    assertDoesNotThrow(() -> LocalReadability.require(root.resolve("absent").toString()));
    assertDoesNotThrow(() -> LocalReadability.require("s3a://bucket/logs"));
  }

  /**
   * As root (as in CI containers) the kernel grants every read whatever the permission bits
   * (CAP_DAC_OVERRIDE), so a denial cannot be produced and this test is skipped; it was run as an
   * unprivileged user, and the reconcile and analyze commands were run as one on an unreadable log
   * file, log partition and metric source file.
   */
  @Test
  void anUnreadableFileOrDirectoryIsNamedWithTheFix() throws IOException {
    Path probe = Files.createTempFile("uid", "");
    int uid = (Integer) Files.getAttribute(probe, "unix:uid");
    Files.delete(probe);
    assumeFalse(
        uid == 0,
        "running as root: permission bits do not deny root's reads (CAP_DAC_OVERRIDE), so a denial"
            + " cannot be produced here");

    Path root = tree();
    Path partition = root.resolve("date=2026-11-01");
    Path file = partition.resolve("part-00000.json");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assertDenied(root, file, "cannot read the file", "chmod a+r " + file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Files.setPosixFilePermissions(partition, PosixFilePermissions.fromString("---------"));
    assertDenied(root, partition, "cannot list the directory", "chmod a+rx " + partition);
    assertDenied(partition, partition, "cannot list the directory", "chmod a+rx " + partition);
    Files.setPosixFilePermissions(partition, PosixFilePermissions.fromString("rw-r--r--")); // no x
    assertDenied(root, partition, "cannot list the directory", "chmod a+rx " + partition);
    // The file itself, below a directory that cannot be searched.
    assertDenied(
        file, file, "a directory on its path cannot be searched", "chmod a+x " + partition);
    Files.setPosixFilePermissions(partition, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void assertDenied(Path input, Path named, String what, String fix) {
    InputProblem e =
        assertThrows(InputProblem.class, () -> LocalReadability.require(input.toString()));
    assertTrue(e.getMessage().startsWith(named + ": permission denied: " + what), e.getMessage());
    assertTrue(e.getMessage().contains("Fix: ") && e.getMessage().contains(fix), e.getMessage());
  }

  private static Path tree() throws IOException {
    Path root = Fixtures.tempDir("readability-");
    Path partition = Files.createDirectories(root.resolve("date=2026-11-01"));
    Files.writeString(partition.resolve("part-00000.json"), "{}\n");
    Files.writeString(root.resolve("_SUCCESS"), "");
    return root;
  }
}
