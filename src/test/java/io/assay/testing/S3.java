package io.assay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API for the storage tests: S3Proxy ({@code org.gaul:s3proxy}, its filesystem backend in
 * a temporary directory under {@code target/tmp}) as a child process on a free port of 127.0.0.1,
 * started on first use and shared by every test in the JVM, with one bucket, {@link #BUCKET}.
 * Hadoop's S3A connector talks to it with the settings of {@link #hadoopProperties()}.
 *
 * <p>S3Proxy runs as {@code java -jar target/servers/s3proxy.jar} (the pom copies the jar there),
 * not on the test classpath: its jar bundles its own Guava, Jackson, Netty and Jetty, unshaded. It
 * is stopped by a shutdown hook; if this JVM is killed outright, the shell that started it sees its
 * standard input close and stops it too.
 *
 * <p>No request leaves the machine: the endpoint is the loopback, the region is set (so S3A does
 * not look it up), credentials are given (so neither S3A nor the AWS SDK asks the EC2 metadata
 * service, which is disabled in this JVM besides), and S3A sends every bucket, not only {@link
 * #BUCKET}, to the proxy.
 */
public final class S3 {
  /** The bucket the tests write to. */
  public static final String BUCKET = "assay-test";

  public static final String ACCESS_KEY = "assay-test-access-key";
  public static final String SECRET_KEY = "assay-test-secret-key";

  /** The region S3A is told (S3Proxy accepts any; set so nothing asks AWS for it). */
  public static final String REGION = "us-east-1";

  private static final Path JAR = Path.of("target/servers/s3proxy.jar");

  private static S3 instance;

  private final Process process;
  private final URI endpoint;
  private final Path baseDir;
  private final Path log;
  private final Duration startup;
  private final AtomicInteger prefixes = new AtomicInteger();

  private S3(Process process, URI endpoint, Path baseDir, Path log, Duration startup) {
    this.process = process;
    this.endpoint = endpoint;
    this.baseDir = baseDir;
    this.log = log;
    this.startup = startup;
  }

  /** The server, started on first use. */
  public static synchronized S3 get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  public String bucket() {
    return BUCKET;
  }

  /** {@code s3a://assay-test/<key>}. */
  public String uri(String key) {
    return "s3a://" + BUCKET + "/" + (key.startsWith("/") ? key.substring(1) : key);
  }

  /** A prefix of its own for one test: {@code s3a://assay-test/tests/<name>-<n>}. */
  public String dir(String name) {
    return uri("tests/" + name + "-" + prefixes.incrementAndGet());
  }

  /** How long S3Proxy took to start and create the bucket. */
  public Duration startup() {
    return startup;
  }

  /** The process started: a shell, whose child is S3Proxy's JVM. */
  public Process process() {
    return process;
  }

  /** S3Proxy's output (for failure messages). */
  public Path log() {
    return log;
  }

  /**
   * The S3A settings for this server: endpoint, path-style requests (no bucket subdomains on
   * 127.0.0.1), plain HTTP, the region, and static credentials through {@code
   * SimpleAWSCredentialsProvider} alone (no environment, profile or instance-metadata lookups).
   */
  public Map<String, String> hadoopProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("fs.s3a.endpoint", endpoint.toString());
    p.put("fs.s3a.endpoint.region", REGION);
    p.put("fs.s3a.path.style.access", "true");
    p.put("fs.s3a.connection.ssl.enabled", "false");
    p.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    p.put("fs.s3a.access.key", ACCESS_KEY);
    p.put("fs.s3a.secret.key", SECRET_KEY);
    return p;
  }

  /** {@link #hadoopProperties()} as Spark properties ({@code spark.hadoop.*}), for child JVMs. */
  public Map<String, String> sparkProperties() {
    return Servers.sparkProperties(hadoopProperties());
  }

  /**
   * Sets {@link #hadoopProperties()} on the session's Hadoop configuration (which every Spark and
   * Delta read and write copies), dropping a cached S3A client of the bucket made before.
   */
  public S3 apply(SparkSession spark) {
    Servers.apply(
        spark.sparkContext().hadoopConfiguration(), hadoopProperties(), URI.create(uri("")));
    return this;
  }

  /** An S3A client of the bucket with {@link #hadoopProperties()} (Hadoop's cached instance). */
  public FileSystem fileSystem() {
    Configuration conf = new Configuration();
    hadoopProperties().forEach(conf::set);
    try {
      return FileSystem.get(URI.create(uri("")), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies a local directory tree (or file) to {@code target} in the bucket, replacing what is
   * there; returns {@code target}.
   */
  public String copyFromLocal(java.nio.file.Path local, String target) {
    return Servers.copyFromLocal(fileSystem(), local, target);
  }

  /**
   * The S3A connector's jars on this JVM's classpath ({@code hadoop-aws} and the AWS SDK v2 {@code
   * bundle}): what a child JVM or a cluster needs beside assay's own jars for {@code s3a://}.
   */
  public static List<java.nio.file.Path> connectorJars() {
    List<java.nio.file.Path> jars = new java.util.ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String name = java.nio.file.Path.of(entry).getFileName().toString();
      if (name.matches("hadoop-aws-[0-9.]+\\.jar") || name.matches("bundle-2\\.[0-9.]+\\.jar")) {
        jars.add(java.nio.file.Path.of(entry).toAbsolutePath());
      }
    }
    if (jars.size() != 2) {
      throw new IllegalStateException(
          "hadoop-aws and the AWS SDK bundle are not on the test classpath: " + jars);
    }
    return jars;
  }

  /**
   * {@link #connectorJars()} joined by {@code separator}: "," for {@code ASSAY_JARS} and {@code
   * ASSAY_CLUSTER_JARS}, ":" for {@code SPARK_DIST_CLASSPATH}.
   */
  public static String connectorJars(String separator) {
    return String.join(
        separator, connectorJars().stream().map(java.nio.file.Path::toString).toList());
  }

  private static S3 start() {
    long t0 = System.nanoTime();
    // The AWS SDK in this JVM never asks the EC2 instance metadata service (credentials, region).
    System.setProperty("aws.disableEc2Metadata", "true");
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR + " is missing: run the tests through Maven (process-test-resources copies it)");
    }
    Path dir = Fixtures.tempDir("s3proxy-");
    Path data;
    Path log = dir.resolve("s3proxy.log");
    try {
      data = Files.createDirectories(dir.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Process p = launch(dir, data, log, endpoint);
      try {
        awaitPort(p, port, log);
        createBucket(endpoint);
      } catch (IllegalStateException e) {
        stop(p);
        failure = e; // most likely the port was taken between choosing and binding it: try another
        continue;
      }
      S3 s3 = new S3(p, endpoint, dir, log, Duration.ofNanos(System.nanoTime() - t0));
      System.err.printf("servers: %s started in %d ms%n", s3, s3.startup.toMillis());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop(p);
                    delete(dir);
                  },
                  "s3proxy-stop"));
      return s3;
    }
    throw failure;
  }

  private static Process launch(Path dir, Path data, Path log, URI endpoint) {
    Path props = dir.resolve("s3proxy.properties");
    try {
      Files.writeString(
          props,
          String.join(
              "\n",
              "s3proxy.endpoint=" + endpoint,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + data,
              ""));
      List<String> java =
          new ArrayList<>(
              List.of(
                  Jvm.java(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Djava.io.tmpdir=" + dir,
                  "-jar",
                  JAR.toAbsolutePath().toString(),
                  "--properties",
                  props.toString()));
      // The shell runs S3Proxy and ends with it. Beside it, a watcher reads the shell's standard
      // input, a pipe from this JVM, which closes however this JVM ends (even by SIGKILL, when no
      // shutdown hook runs), and then stops S3Proxy.
      String quoted = String.join(" ", java.stream().map(S3::quote).toList());
      String script =
          "exec 3<&0; "
              + quoted
              + " & pid=$!; (cat <&3 >/dev/null; kill $pid 2>/dev/null) & wait $pid";
      ProcessBuilder pb =
          new ProcessBuilder("/bin/sh", "-c", script)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("LOG_LEVEL", "warn"); // S3Proxy's logback level
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitPort(Process p, int port, Path log) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Proxy exited:\n" + text(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IllegalStateException(
        "S3Proxy did not listen on " + port + " in 60 s:\n" + text(log));
  }

  /** Creates {@link #BUCKET} through the S3 API: the first request, which proves the server up. */
  private static void createBucket(URI endpoint) {
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.of(REGION))
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClientBuilder(ApacheHttpClient.builder())
            .build()) {
      client.createBucket(b -> b.bucket(BUCKET));
    } catch (RuntimeException e) {
      throw new IllegalStateException("S3Proxy at " + endpoint + " did not create the bucket", e);
    }
  }

  private static void stop(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at exit; target/ is build output
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static String text(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "S3Proxy at " + endpoint + ", bucket " + BUCKET + " (storage " + baseDir + ")";
  }
}
