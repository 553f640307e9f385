package io.assay.io;

import io.assay.config.AssayConfig;
import io.assay.config.Conf;
import io.assay.config.Location;
import io.assay.config.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output tables by name ({@code output.database}): after each write of an output table, the table
 * is registered in that database of the session catalog as an external Delta table at its location
 * ({@code CREATE DATABASE IF NOT EXISTS}, then {@code CREATE TABLE IF NOT EXISTS db.t USING delta
 * LOCATION '…'}), so any Spark session on the same metastore reads {@code db.metric_results} by
 * name. A registered table is left as it is: Spark reads a Delta table's schema from its log, so a
 * column added later is visible by name without touching the metastore, and a rerun registers
 * nothing new.
 *
 * <p>Only runs that write to {@code output.root} register: a run with {@code --out} elsewhere, and
 * {@code assay reproduce} (which re-runs into a scratch root under {@code _reproduce/}), never put
 * their tables under the real names. A table of the database with an output table's name at another
 * location is a conflict: {@link #conflicts} finds it before a run starts (exit 2), and a
 * registration that meets one anyway fails with {@link Conflict} (exit 1).
 *
 * <p>Costs: a few metastore calls per table written, on the driver; no Spark job.
 */
public final class OutputCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(OutputCatalog.class);

  /** A table of the output database with an output table's name is at another location. */
  public static final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Conflict(String message) {
      super(message);
    }
  }

  private OutputCatalog() {}

  /**
   * The database a run writing to {@code root} registers its tables in: {@code output.database},
   * when {@code root} is {@code output.root}.
   */
  public static Optional<String> database(AssayConfig site, Location root) {
    return root.equals(site.outputRoot()) ? site.outputDatabase() : Optional.empty();
  }

  /**
   * Every output table name of the database that a run writing to {@code root} would register and
   * that is taken by a table at another location (or by a view), as problems on {@code
   * output.database} of assay.yaml. Empty when the run registers nothing.
   */
  public static List<Problem> conflicts(SparkSession spark, Conf conf, Location root) {
    List<Problem> out = new ArrayList<>();
    Optional<String> db = database(conf.assay(), root);
    if (db.isEmpty()) {
      return out;
    }
    for (OutputTable t : OutputTables.ALL) {
      String table = t.name();
      conflict(spark, db.get(), table, root.resolve(table))
          .ifPresent(
              m ->
                  out.add(
                      new Problem(
                          conf.dir().resolve("assay.yaml").toString(),
                          "output.database",
                          m,
                          fix(db.get(), table))));
    }
    return out;
  }

  /**
   * Registers the output table {@code table} of the run, when the run registers (see {@link
   * #database}); does nothing when it is registered at its location already.
   *
   * @throws Conflict when the name is taken by a table at another location
   */
  public static void register(SparkSession spark, RunContext ctx, String table) {
    Optional<String> db = database(ctx.conf().assay(), ctx.outputRoot());
    if (db.isEmpty()) {
      return;
    }
    Location at = ctx.table(table);
    spark.sql("CREATE DATABASE IF NOT EXISTS " + CatalogTables.quoted(db.get()));
    Optional<String> conflict = conflict(spark, db.get(), table, at);
    if (conflict.isPresent()) {
      throw new Conflict("output.database: " + conflict.get() + ". Fix: " + fix(db.get(), table));
    }
    String name = qualified(db.get(), table);
    if (!CatalogTables.exists(spark, name)) {
      spark.sql(
          "CREATE TABLE IF NOT EXISTS "
              + CatalogTables.quoted(name)
              + " USING delta LOCATION '"
              + at.uri().replace("\\", "\\\\").replace("'", "\\'")
              + "'");
      LOG.info("registered {} at {}", name, at);
    }
  }

  /** Why {@code db.table} cannot name the table at {@code at}, or empty when it can. */
  private static Optional<String> conflict(
      SparkSession spark, String db, String table, Location at) {
    String name = qualified(db, table);
    Optional<CatalogTables.Described> d = CatalogTables.describe(spark, name);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    Optional<Location> registered = d.get().location();
    if (registered.isPresent() && registered.get().equals(at) && d.get().isDelta()) {
      return Optional.empty();
    }
    return Optional.of(
        "table "
            + name
            + " is "
            + (registered.isPresent()
                ? "registered at " + registered.get().uri()
                : "a " + d.get().type().toLowerCase(java.util.Locale.ROOT) + " without a location")
            + ", not at this run's "
            + at.uri());
  }

  private static String fix(String db, String table) {
    return "if "
        + qualified(db, table)
        + " is stale, drop it (DROP TABLE "
        + qualified(db, table)
        + "; an external table's files stay); else give this output root a database of its own"
        + " in output.database";
  }

  private static String qualified(String db, String table) {
    return db + "." + table;
  }
}
