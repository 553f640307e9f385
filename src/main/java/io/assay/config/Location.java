package io.assay.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured location of data or outputs: a Hadoop URI ({@code s3a://bucket/key}, {@code
 * hdfs://nn:8020/x}, {@code abfss://…}, {@code gs://…}, {@code file:/x}) or a driver-local path.
 *
 * <p>Text with a scheme of two or more letters followed by {@code :} keeps its scheme; anything
 * else is a path resolved against a base (the conf directory, or the data root for the locations
 * under it) and becomes a {@code file:} location. A single letter before {@code :} ({@code C:}) is
 * not a scheme.
 *
 * <p>{@link #uri()} is what Spark and Hadoop get: always qualified, so a cluster whose {@code
 * fs.defaultFS} is HDFS never takes a local path for an HDFS one. {@link #toString()} is what users
 * read: the plain absolute path of a local location (as messages always said), the URI otherwise.
 * Which schemes exist is for Hadoop to say ({@code validate} asks it); this class only refuses what
 * is wrong whatever the classpath holds. No Hadoop or Spark here: the config package stays free of
 * both.
 */
public final class Location {
  /** A URI scheme: a letter, then at least one more letter, digit, {@code +}, {@code -} or dot. */
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):(.*)");

  /** Schemes whose locations name a bucket, container or cluster in the authority. */
  private static final Set<String> NEEDS_AUTHORITY =
      Set.of("s3a", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "cos", "cosn", "obs");

  private final String scheme;
  private final Path localPath; // only for file:
  private final String uri;

  private Location(String scheme, Path localPath, String uri) {
    this.scheme = scheme;
    this.localPath = localPath;
    this.uri = uri;
  }

  /** A local location: {@code path} made absolute and normalized. */
  public static Location local(Path path) {
    Path p = path.toAbsolutePath().normalize();
    return new Location("file", p, "file:" + p);
  }

  /**
   * Parses configured text; a plain path resolves against {@code baseDir} (the conf directory, or
   * the current directory for command-line options).
   *
   * @throws IllegalArgumentException with a message that says what is wrong and the fix
   */
  public static Location parse(String text, Path baseDir) {
    return parse(text, local(baseDir));
  }

  /**
   * Parses configured text; a plain path resolves against {@code base}, which may itself be a URI
   * ({@code logs: logs} under {@code data.root: s3a://bucket/data} is {@code
   * s3a://bucket/data/logs}).
   *
   * @throws IllegalArgumentException with a message that says what is wrong and the fix
   */
  public static Location parse(String text, Location base) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the location is empty. Fix: give a path or a URI");
    }
    String t = text.strip();
    Matcher m = SCHEME.matcher(t);
    if (!m.matches()) {
      return base.resolve(t);
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    String rest = m.group(2);
    if (scheme.equals("s3") || scheme.equals("s3n")) {
      throw new IllegalArgumentException(
          "'"
              + t
              + "': the "
              + scheme
              + ": scheme is not supported. Fix: use s3a://"
              + rest.replaceFirst("^/+", "")
              + " (Hadoop's S3 connector)");
    }
    if (scheme.equals("file")) {
      String path = rest;
      if (path.startsWith("//")) {
        // file://host/x: only an empty host or localhost names this machine.
        int slash = path.indexOf('/', 2);
        String host = slash < 0 ? path.substring(2) : path.substring(2, slash);
        if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
          throw new IllegalArgumentException(
              "'" + t + "': a file: URI names the host '" + host + "'. Fix: use file:///PATH");
        }
        path = slash < 0 ? "/" : path.substring(slash);
      }
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException(
            "'" + t + "': a file: URI needs an absolute path. Fix: use file:///ABSOLUTE/PATH");
      }
      return local(Path.of(path));
    }
    boolean hasAuthority = rest.startsWith("//") && rest.length() > 2 && rest.charAt(2) != '/';
    if (NEEDS_AUTHORITY.contains(scheme) && !hasAuthority) {
      throw new IllegalArgumentException(
          "'"
              + t
              + "': "
              + scheme
              + ": URIs must name their bucket or container. Fix: use "
              + scheme
              + "://BUCKET/PATH");
    }
    String normalized = scheme + ":" + stripTrailingSlashes(rest);
    return new Location(scheme, null, normalized);
  }

  /** {@code //bucket/x/} is {@code //bucket/x}, {@code //bucket/} is {@code //bucket}. */
  private static String stripTrailingSlashes(String rest) {
    String r = rest;
    while (r.length() > 1 && r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  /** The fully qualified URI for Spark and Hadoop ({@code file:/abs/path}, {@code s3a://b/k}). */
  public String uri() {
    return uri;
  }

  /** The scheme, lower case ({@code file} for local paths). */
  public String scheme() {
    return scheme;
  }

  /** Whether this is a driver-local file ({@code file:}). */
  public boolean isLocal() {
    return localPath != null;
  }

  /**
   * The local path of a {@code file:} location.
   *
   * @throws IllegalStateException for other schemes
   */
  public Path localPath() {
    if (localPath == null) {
      throw new IllegalStateException(uri + " is not a local path");
    }
    return localPath;
  }

  /**
   * The location of {@code child} under this one; {@code child} may hold {@code /} (a relative path
   * of several segments) and {@code ..} segments, which are resolved.
   */
  public Location resolve(String child) {
    if (isLocal()) {
      return local(localPath.resolve(child));
    }
    Location at = this;
    for (String seg : child.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        at = at.parent().orElse(at);
        continue;
      }
      at = new Location(scheme, null, at.uri.endsWith("/") ? at.uri + seg : at.uri + "/" + seg);
    }
    return at;
  }

  /** The enclosing location, or empty at the root of a file system, bucket or container. */
  public Optional<Location> parent() {
    if (isLocal()) {
      Path p = localPath.getParent();
      return p == null ? Optional.empty() : Optional.of(local(p));
    }
    int pathStart = pathStart();
    String path = uri.substring(pathStart);
    int slash = uri.lastIndexOf('/');
    if (path.isEmpty() || path.equals("/") || slash < pathStart) {
      return Optional.empty();
    }
    String parent =
        slash > pathStart
            ? uri.substring(0, slash)
            : authorityEnd() >= 0 ? uri.substring(0, pathStart) : uri.substring(0, slash + 1);
    return Optional.of(new Location(scheme, null, parent));
  }

  /** The last segment of the path ({@code ""} at a root). */
  public String name() {
    if (isLocal()) {
      Path n = localPath.getFileName();
      return n == null ? "" : n.toString();
    }
    int pathStart = pathStart();
    int slash = uri.lastIndexOf('/');
    return slash < pathStart ? "" : uri.substring(slash + 1);
  }

  /** Index of the first character of the path part (after {@code scheme:} and an authority). */
  private int pathStart() {
    int end = authorityEnd();
    return end >= 0 ? end : scheme.length() + 1;
  }

  /** Index just past {@code scheme://authority}, or -1 when there is no authority. */
  private int authorityEnd() {
    int start = scheme.length() + 1;
    if (!uri.startsWith("//", start)) {
      return -1;
    }
    int slash = uri.indexOf('/', start + 2);
    return slash < 0 ? uri.length() : slash;
  }

  /** The plain absolute path of a local location, else the URI: the form messages use. */
  @Override
  public String toString() {
    return isLocal() ? localPath.toString() : uri;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Location l && l.uri.equals(uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }
}
