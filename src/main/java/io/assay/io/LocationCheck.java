package io.assay.io;

import io.assay.config.AssayConfig;
import io.assay.config.ConfigException;
import io.assay.config.Location;
import io.assay.config.MetricSource;
import io.assay.config.Problem;
import io.assay.config.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether each configured location can be reached, before any Spark work ({@code assay validate}).
 * A location is reachable when its file system answers for it or for its nearest existing parent:
 * the scheme has a connector on the classpath, the host resolves, the bucket or container exists
 * and the credentials may look at it. Anything else is an error naming the file, the field, the URI
 * and Hadoop's reason. A reachable location that does not exist yet is a warning: data may land
 * later ({@code generate} writes a world, the first run creates the output root).
 *
 * <p>Costs one or a few file-system requests per location (HTTP requests on object stores).
 */
public final class LocationCheck {
  private LocationCheck() {}

  /** The result: errors stop {@code validate} (exit 2), warnings are shown. */
  public record Result(List<Problem> errors, List<Problem> warnings) {}

  /**
   * Checks {@code data.*}, {@code output.root} and every metric source's path (catalog sources are
   * for {@link SourceCheck}).
   */
  public static Result check(
      Storage storage,
      String assayFile,
      AssayConfig assay,
      String metricsFile,
      Map<String, MetricSource> sources) {
    List<Problem> errors = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    check(storage, assayFile, "data.root", assay.dataRoot(), errors, warnings);
    check(storage, assayFile, "data.logs", assay.logs().source(), errors, warnings);
    check(storage, assayFile, "data.population", assay.population(), errors, warnings);
    check(storage, assayFile, "output.root", assay.outputRoot(), errors, warnings);
    for (MetricSource s : sources.values()) {
      check(storage, metricsFile, "sources." + s.name() + ".path", s.source(), errors, warnings);
    }
    return new Result(errors, warnings);
  }

  private static void check(
      Storage storage,
      String file,
      String field,
      Source source,
      List<Problem> errors,
      List<Problem> warnings) {
    source.fileLocation().ifPresent(loc -> check(storage, file, field, loc, errors, warnings));
  }

  /**
   * Stops a command before it takes the output lock or starts Spark when {@code loc} cannot be
   * reached (a {@link ConfigException}, exit 2, naming the file, field, URI and reason).
   */
  public static void requireReachable(Storage storage, String file, String field, Location loc) {
    List<Problem> errors = new ArrayList<>();
    check(storage, file, field, loc, errors, new ArrayList<>());
    if (!errors.isEmpty()) {
      throw new ConfigException(errors, List.of());
    }
  }

  static void check(
      Storage storage,
      String file,
      String field,
      Location loc,
      List<Problem> errors,
      List<Problem> warnings) {
    try {
      if (storage.exists(loc)) {
        return;
      }
      Optional<Location> at = loc.parent();
      while (at.isPresent() && !storage.exists(at.get())) {
        at = at.get().parent();
      }
      if (at.isEmpty()) {
        errors.add(
            new Problem(
                file,
                field,
                loc.uri() + " cannot be reached: not even the root of its file system exists",
                "check the bucket, container or host name"));
      } else {
        warnings.add(
            new Problem(
                file,
                field,
                loc + " does not exist yet (" + at.get() + " does)",
                "create it, or let the command that writes it run first"));
      }
    } catch (RuntimeException e) {
      errors.add(
          new Problem(
              file,
              field,
              loc.uri() + " cannot be reached: " + e.getMessage(),
              fix(loc, e.getMessage())));
    }
  }

  private static String fix(Location loc, String why) {
    if (why != null && why.contains("no file system for the scheme")) {
      return "put the connector for "
          + loc.scheme()
          + ": on the classpath (s3a: hadoop-aws and the AWS SDK bundle; abfss: hadoop-azure;"
          + " gs: the GCS connector), or correct the URI";
    }
    if (why != null && why.contains("permission denied")) {
      return "grant the run's credentials read access (spark.hadoop.* settings in"
          + " conf/spark/spark-defaults.conf), or correct the URI";
    }
    return "check the URI, the network and the spark.hadoop.* settings in"
        + " conf/spark/spark-defaults.conf";
  }
}
