package io.assay.pipeline;

import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ConfigLoader;
import io.assay.config.Problems;
import io.assay.io.SourceCheck;
import io.assay.metrics.MetricSqlCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads and fully validates a configuration directory before any Spark work: the pure-Java checks
 * of {@link ConfigLoader} plus the Spark SQL syntax of metric expressions, catalog table names and
 * source queries ({@link SourceCheck#parse}). Every job calls this first, so a bad definition stops
 * the run with exit code 2 before a session starts.
 */
public final class Definitions {
  private Definitions() {}

  public static Conf load(Path confDir) {
    return load(confDir, ConfigLoader.LockMode.ENFORCE);
  }

  public static Conf load(Path confDir, ConfigLoader.LockMode mode) {
    Conf conf = ConfigLoader.load(confDir, mode);
    Problems sql = new Problems();
    MetricSqlCheck.check(conf, sql);
    SourceCheck.parse(conf, sql);
    if (sql.hasErrors()) {
      List<io.assay.config.Problem> warnings = new ArrayList<>(conf.warnings());
      throw new ConfigException(sql.errors(), warnings);
    }
    return conf;
  }
}
