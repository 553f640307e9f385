package io.assay.io;

import io.assay.config.Location;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one seam for files the driver reads, writes and lists outside Spark (reports, exports, run
 * records, the pseudonymization record, reproduce scratch roots, partition checks): Hadoop's {@link
 * FileSystem} with the session's Hadoop configuration, so a location may be on any file system
 * Hadoop has a connector for ({@code file:}, {@code hdfs:}, {@code s3a:}, {@code abfss:}, {@code
 * gs:}). Every failure is translated into a message naming the URI: a missing file or directory is
 * an {@link InputProblem}, other I/O errors an {@link UncheckedIOException} saying what was being
 * done.
 *
 * <p>Costs: each call is one or a few file-system requests (on object stores, HTTP requests); no
 * Spark job. The conf directory and the key file stay on {@code java.nio}: they are the driver's.
 */
public final class Storage {
  /** Schemes whose rename of a directory is atomic (a metadata operation, not copy + delete). */
  private static final Set<String> ATOMIC_RENAME =
      Set.of("file", "hdfs", "viewfs", "abfs", "abfss");

  private final Configuration conf;

  private Storage(Configuration conf) {
    this.conf = conf;
  }

  /** Storage with the session's Hadoop configuration (including its {@code spark.hadoop.*}). */
  public static Storage of(SparkSession spark) {
    return new Storage(spark.sessionState().newHadoopConf());
  }

  /** Storage with a given Hadoop configuration (tests, and work before a session starts). */
  public static Storage of(Configuration conf) {
    return new Storage(conf);
  }

  /**
   * Storage for work before a session starts (the output lock, the plan's partition checks,
   * validate): Hadoop's defaults plus every {@code spark.hadoop.*} property the session will get
   * (system properties, spark-submit's, and the spark-defaults file of embedded runs).
   */
  public static Storage beforeSpark() {
    return of(hadoopConf(SparkSessions.sparkConf()));
  }

  /** Hadoop's defaults plus {@code spark.hadoop.X} of {@code spark} as {@code X}, as Spark does. */
  static Configuration hadoopConf(SparkConf spark) {
    Configuration c = new Configuration();
    for (scala.Tuple2<String, String> e : spark.getAllWithPrefix("spark.hadoop.")) {
      c.set(e._1(), e._2());
    }
    return c;
  }

  /** The Hadoop configuration this storage uses. */
  public Configuration configuration() {
    return conf;
  }

  /** One entry of a listing. */
  public record Entry(String name, boolean isDirectory, long length, long modificationTime) {}

  /**
   * The file system of {@code loc}. Local files go through Hadoop's raw local file system: no
   * {@code .crc} checksum files beside reports and exports, and no checksum errors when someone
   * edits a file by hand.
   */
  FileSystem fileSystem(Location loc) {
    try {
      return fs(loc);
    } catch (IOException e) {
      throw translate(e, loc, "reach");
    }
  }

  private FileSystem fs(Location loc) throws IOException {
    FileSystem fs = new Path(loc.uri()).getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  private static Path path(Location loc) {
    return new Path(loc.uri());
  }

  /**
   * Whether the file system of {@code loc} renames a directory atomically (local, HDFS, ABFS with
   * hierarchical namespace): then a directory built aside and renamed into place is never seen
   * half-written. S3A, GCS and others copy and delete.
   */
  public boolean atomicRename(Location loc) {
    return ATOMIC_RENAME.contains(loc.scheme().toLowerCase(Locale.ROOT));
  }

  public boolean exists(Location loc) {
    try {
      return fs(loc).exists(path(loc));
    } catch (IOException e) {
      throw translate(e, loc, "check");
    }
  }

  public boolean isDirectory(Location loc) {
    try {
      return fs(loc).getFileStatus(path(loc)).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw translate(e, loc, "check");
    }
  }

  /** The entries directly in directory {@code dir}, by name; an {@link InputProblem} if missing. */
  public List<Entry> list(Location dir) {
    try {
      List<Entry> out = new ArrayList<>();
      for (FileStatus s : fs(dir).listStatus(path(dir))) {
        out.add(
            new Entry(s.getPath().getName(), s.isDirectory(), s.getLen(), s.getModificationTime()));
      }
      out.sort(Comparator.comparing(Entry::name));
      return out;
    } catch (IOException e) {
      throw translate(e, dir, "list");
    }
  }

  /** A UTF-8 text file. */
  public String readText(Location file) {
    return new String(readBytes(file), StandardCharsets.UTF_8);
  }

  public byte[] readBytes(Location file) {
    try (InputStream in = open(file)) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      throw translate(e, file, "read");
    }
  }

  /**
   * Writes {@code text} as UTF-8, replacing the file, creating parent directories: one create and
   * close, so on an object store one PUT, and readers see the old or the new file whole.
   */
  public void writeText(Location file, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = fs(file).create(path(file), true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw translate(e, file, "write");
    }
  }

  /**
   * Creates {@code file} with {@code text} unless it exists; false when it does. Atomic on local
   * file systems and HDFS; on object stores without conditional writes a check then a write.
   */
  public boolean createNew(Location file, String text) {
    try (OutputStream out = fs(file).create(path(file), false)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (exists(file)) {
        return false; // some file systems say "exists" with a plain IOException
      }
      throw translate(e, file, "create");
    }
  }

  /** Deletes a file or a directory tree; false when there was nothing. */
  public boolean delete(Location loc) {
    try {
      FileSystem fs = fs(loc);
      return fs.exists(path(loc)) && fs.delete(path(loc), true);
    } catch (IOException e) {
      throw translate(e, loc, "delete");
    }
  }

  /**
   * Creates a directory and its parents (nothing on object stores, where directories are implied).
   */
  public void mkdirs(Location dir) {
    try {
      if (!fs(dir).mkdirs(path(dir))) {
        throw new UncheckedIOException(
            new IOException("cannot create the directory " + dir + ": a file is in the way"));
      }
    } catch (IOException e) {
      throw translate(e, dir, "create the directory");
    }
  }

  /** Copies a file or directory tree to {@code to} (which may be on another file system). */
  public void copyTree(Location from, Location to) {
    try {
      if (!FileUtil.copy(fs(from), path(from), fs(to), path(to), false, true, conf)) {
        throw new IOException("copy returned false");
      }
    } catch (IOException e) {
      throw translate(e, from, "copy to " + to + ":");
    }
  }

  /** Renames {@code from} to {@code to}; atomic where {@link #atomicRename} says so. */
  public void rename(Location from, Location to) {
    try {
      if (!fs(from).rename(path(from), path(to))) {
        throw new IOException("rename to " + to + " returned false (does the target exist?)");
      }
    } catch (IOException e) {
      throw translate(e, from, "rename");
    }
  }

  /** A stream over the file's bytes; the caller closes it. */
  public InputStream open(Location file) {
    try {
      return fs(file).open(path(file));
    } catch (IOException e) {
      throw translate(e, file, "read");
    }
  }

  /** A new or replaced file, parents created; the caller closes it (which completes the write). */
  public OutputStream create(Location file) {
    try {
      return fs(file).create(path(file), true);
    } catch (IOException e) {
      throw translate(e, file, "write");
    }
  }

  /**
   * A Hadoop exception as a message naming the location: a missing file or directory is an {@link
   * InputProblem}; denied access, an unknown scheme and anything else an {@link
   * UncheckedIOException} saying what could not be done, with Hadoop's own words.
   */
  static RuntimeException translate(IOException e, Location loc, String action) {
    if (e instanceof FileNotFoundException && !isDenied(e)) {
      return new InputProblem(loc.toString(), "no such file or directory");
    }
    String why;
    if (isDenied(e)) {
      why = "permission denied";
    } else if (e instanceof org.apache.hadoop.fs.UnsupportedFileSystemException) {
      why =
          "no file system for the scheme '"
              + loc.scheme()
              + "' (add the connector's jars to the classpath, e.g. hadoop-aws for s3a)";
    } else {
      why = firstLine(e.getMessage());
    }
    return new UncheckedIOException("cannot " + action + " " + loc + ": " + why, e);
  }

  private static boolean isDenied(IOException e) {
    if (e instanceof AccessControlException || e instanceof java.nio.file.AccessDeniedException) {
      return true;
    }
    String m = e.getMessage();
    return m != null
        && (m.contains("Permission denied")
            || m.contains("Access Denied")
            || m.contains("AccessDenied")
            || m.contains("Forbidden"));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
