package io.assay.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/**
 * Checks, before Spark reads a local input, that the user can read every file under it. Spark
 * reports a file it may not open as {@code [FAILED_READ_FILE.FILE_NOT_EXIST] … File does not exist}
 * (the JDK throws {@code FileNotFoundException} for both), with "Permission denied" only in a
 * cause; this names the file or directory and the fix first. Inputs on other file systems (object
 * stores, HDFS) are left to them: their access errors say what they are.
 */
public final class LocalReadability {
  private LocalReadability() {}

  /**
   * Throws an {@link InputProblem} for the first file under {@code path} that cannot be read, or
   * directory that cannot be listed or searched. A missing path is not checked here (the readers
   * report it). Costs one local directory walk.
   */
  public static void require(String path) {
    if (path.contains("://") && !path.startsWith("file:")) {
      return;
    }
    Path root = Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path);
    if (!Files.exists(root)) {
      if (!Files.notExists(root)) {
        // Neither exists nor provably absent: a directory on the way cannot be searched.
        throw denied(
            root, "a directory on its path cannot be searched", "chmod a+x", parentOf(root));
      }
      return;
    }
    try {
      Files.walkFileTree(
          root,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
                throw denied(dir, "cannot list the directory", "chmod a+rx", dir);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !Files.isReadable(file)) {
                throw denied(file, "cannot read the file", "chmod a+r", file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              if (e instanceof AccessDeniedException) {
                throw Files.isDirectory(file)
                    ? denied(file, "cannot list the directory", "chmod a+rx", file)
                    : denied(file, "its directory cannot be searched", "chmod a+x", parentOf(file));
              }
              return FileVisitResult.CONTINUE; // other problems: left to the reader
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + root, e);
    }
  }

  private static Path parentOf(Path p) {
    Path parent = p.toAbsolutePath().getParent();
    return parent == null ? p : parent;
  }

  private static InputProblem denied(Path p, String what, String chmod, Path target) {
    return new InputProblem(
        p.toString(),
        "permission denied: "
            + what
            + ". Fix: give the user running assay access to it ("
            + chmod
            + " "
            + target
            + "), or run assay as a user who may read it");
  }
}
