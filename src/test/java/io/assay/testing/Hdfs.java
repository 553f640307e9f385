package io.assay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;

/**
 * A real HDFS for the storage tests: Hadoop's {@link MiniDFSCluster} (one NameNode, one DataNode,
 * from {@code hadoop-client-minicluster}, the Hadoop version Spark ships), started in this JVM on
 * first use and shared by every test in the JVM, shut down (its directories deleted) by a shutdown
 * hook. Everything binds to 127.0.0.1; the storage lives in a temporary directory under the build's
 * tmp dir ({@code target/tmp}).
 *
 * <p>Paths are fully qualified ({@code hdfs://127.0.0.1:PORT/...}), so no {@code fs.defaultFS} is
 * needed; the client settings of {@link #hadoopProperties()} (replication 1, as there is one
 * DataNode) go on a Spark session with {@link #apply(SparkSession)}. Each test takes its own
 * directory from {@link #dir(String)}.
 */
public final class Hdfs {
  private static Hdfs instance;

  private final MiniDFSCluster cluster;
  private final URI uri;
  private final java.nio.file.Path baseDir;
  private final Duration startup;
  private final AtomicInteger dirs = new AtomicInteger();

  private Hdfs(MiniDFSCluster cluster, java.nio.file.Path baseDir, Duration startup) {
    this.cluster = cluster;
    this.baseDir = baseDir;
    this.startup = startup;
    this.uri = URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
  }

  /** The cluster, started on first use. */
  public static synchronized Hdfs get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** {@code hdfs://127.0.0.1:PORT}: the NameNode. */
  public URI uri() {
    return uri;
  }

  /** An absolute path on the cluster as a URI string, e.g. {@code uri("/data")}. */
  public String uri(String absolutePath) {
    if (!absolutePath.startsWith("/")) {
      throw new IllegalArgumentException("not absolute: " + absolutePath);
    }
    return uri + absolutePath;
  }

  /** A new, empty directory of its own for one test: {@code hdfs://…/tests/<name>-<n>}. */
  public String dir(String name) {
    String dir = uri("/tests/" + name + "-" + dirs.incrementAndGet());
    try {
      Path p = new Path(dir);
      FileSystem fs = fileSystem();
      fs.delete(p, true);
      fs.mkdirs(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** How long the cluster took to start (format, NameNode, DataNode, leaving safe mode). */
  public Duration startup() {
    return startup;
  }

  /**
   * Client settings for this cluster: one replica per block (the cluster has one DataNode, and a
   * client's default is 3), and no DataNode replacement on a failed pipeline (there is none to
   * replace it with).
   */
  public Map<String, String> hadoopProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dfs.replication", "1");
    p.put("dfs.client.block.write.replace-datanode-on-failure.enable", "false");
    return p;
  }

  /** {@link #hadoopProperties()} as Spark properties ({@code spark.hadoop.*}), for child JVMs. */
  public Map<String, String> sparkProperties() {
    return Servers.sparkProperties(hadoopProperties());
  }

  /**
   * Sets {@link #hadoopProperties()} on the session's Hadoop configuration (which every Spark and
   * Delta read and write copies), dropping a cached client of this cluster made before.
   */
  public Hdfs apply(SparkSession spark) {
    Servers.apply(spark.sparkContext().hadoopConfiguration(), hadoopProperties(), uri);
    return this;
  }

  /** A client of the cluster with {@link #hadoopProperties()} (Hadoop's cached instance). */
  public FileSystem fileSystem() {
    Configuration conf = new Configuration();
    hadoopProperties().forEach(conf::set);
    try {
      return FileSystem.get(uri, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies a local directory tree (or file) to {@code target} on the cluster, replacing what is
   * there; returns {@code target}.
   */
  public String copyFromLocal(java.nio.file.Path local, String target) {
    return Servers.copyFromLocal(fileSystem(), local, target);
  }

  private static Hdfs start() {
    long t0 = System.nanoTime();
    java.nio.file.Path base = Fixtures.tempDir("hdfs-");
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    conf.set("hadoop.tmp.dir", base.resolve("tmp").toString());
    conf.set("hadoop.http.temp.dir", base.resolve("http").toString()); // the web UIs' Jetty
    // Loopback only: the NameNode's RPC and HTTP addresses and the DataNode's (MiniDFSCluster's
    // defaults too, stated here so a change of default cannot open a port on another interface).
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.namenode.https-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.replication", "1");
    // Tests run as whoever runs the build; no permission checks, no superuser group lookups.
    conf.setBoolean("dfs.permissions.enabled", false);
    try {
      MiniDFSCluster cluster =
          new MiniDFSCluster.Builder(conf, base.toFile())
              .numDataNodes(1)
              .checkDataNodeAddrConfig(true)
              .format(true)
              .build();
      cluster.waitActive();
      Hdfs hdfs = new Hdfs(cluster, base, Duration.ofNanos(System.nanoTime() - t0));
      System.err.printf("servers: %s started in %d ms%n", hdfs, hdfs.startup.toMillis());
      // After Hadoop's own FileSystem cache closer (priority 10) and Spark's context stop (40):
      // higher priorities run first.
      ShutdownHookManager.get().addShutdownHook(() -> stop(cluster, base), 1);
      return hdfs;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the MiniDFSCluster in " + base, e);
    }
  }

  /**
   * Stops the cluster and deletes its directory. Stopping stops short at the DataNode, which
   * unregisters a shutdown hook of its own and so fails once the JVM is shutting down; the
   * directory goes anyway, and the threads go with the JVM.
   */
  private static void stop(MiniDFSCluster cluster, java.nio.file.Path base) {
    try {
      cluster.shutdown(true);
    } catch (IllegalStateException shutdownInProgress) {
      // see above
    } finally {
      FileUtil.fullyDelete(base.toFile());
    }
  }

  @Override
  public String toString() {
    return "HDFS at " + uri + " (storage " + baseDir + ")";
  }
}
