package io.assay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What {@link Hdfs} and {@link S3} share: putting client settings on a Hadoop configuration. */
final class Servers {
  private Servers() {}

  /** Hadoop properties as Spark properties: {@code spark.hadoop.} + key. */
  static Map<String, String> sparkProperties(Map<String, String> hadoop) {
    Map<String, String> spark = new LinkedHashMap<>();
    hadoop.forEach((k, v) -> spark.put("spark.hadoop." + k, v));
    return spark;
  }

  /**
   * Sets {@code properties} on {@code conf}. Hadoop caches one client per scheme, authority and
   * user, built from the configuration it was first asked with, and keeps it: when a setting
   * changed, the cached client of {@code fs} is closed (which drops it from the cache), so the next
   * use builds one with the new settings. A no-op when everything was already set.
   */
  static void apply(Configuration conf, Map<String, String> properties, URI fs) {
    boolean changed = false;
    for (Map.Entry<String, String> e : properties.entrySet()) {
      if (!e.getValue().equals(conf.get(e.getKey()))) {
        conf.set(e.getKey(), e.getValue());
        changed = true;
      }
    }
    if (changed) {
      try {
        FileSystem.get(fs, conf).close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Copies a local tree (or file) to {@code target} on {@code fs}, replacing what is there. */
  static String copyFromLocal(FileSystem fs, java.nio.file.Path local, String target) {
    try {
      Path dst = new Path(target);
      fs.delete(dst, true);
      fs.mkdirs(dst.getParent());
      // Through the store's output streams, as Spark writes (S3A's own copyFromLocalFile uploads
      // with a payload checksum that S3Proxy 2.6.0 rejects).
      FileSystem localFs = FileSystem.getLocal(fs.getConf()).getRawFileSystem();
      org.apache.hadoop.fs.FileUtil.copy(
          localFs, new Path(local.toAbsolutePath().toUri()), fs, dst, false, true, fs.getConf());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
