package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.config.ExperimentDefinition;
import io.assay.io.Category;
import io.assay.reconcile.QuarantineReason;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The exact count of every injected fault and the reconciliation the log should produce, from the
 * generator's own tags on the tagged log rows ({@link ExposureLog#tagged}), aggregated in Spark.
 *
 * <p>Computes the tagged rows twice (they are cheaper to recompute than to cache): one aggregation
 * by (partition, experiment, version, fault, reason, category), a few hundred rows to the driver;
 * and one by unit, experiment and version (local: the rows arrive clustered by unit), then by
 * experiment and version, for the units logged in more than one arm and those the SRM fault
 * dropped.
 */
final class FaultTruth {
  private static final String ROWS = "rows";
  private static final String LOWEST_ARM = "lowest_arm";
  private static final String HIGHEST_ARM = "highest_arm";
  private static final String SRM_UNIT = "srm_unit";

  private FaultTruth() {}

  /** {@code {faults: …, reconciliation: …}}. */
  static ObjectNode compute(Dataset<Row> tagged, OnlineSystem online, FaultPlan plan) {
    List<Row> cells =
        tagged
            .groupBy(
                ExposureLog.DATE,
                ExposureLog.SERVED_EXPERIMENT,
                ExposureLog.SERVED_VERSION,
                ExposureLog.FAULT,
                ExposureLog.QUARANTINE,
                ExposureLog.CATEGORY,
                ExposureLog.WRITTEN)
            .agg(count(lit(1)).as(ROWS))
            .collectAsList();
    // Per unit and served experiment: the lowest and highest arm (by index) among accepted rows,
    // and whether the SRM fault dropped its events. The rows arrive clustered by unit, so the first
    // aggregation needs no shuffle; integer buffers keep it hash-based.
    Column accepted = col(ExposureLog.WRITTEN).and(col(ExposureLog.QUARANTINE).isNull());
    // The index among every served arm key: arms of one experiment get distinct indices.
    Column arm = online.armIndex(col(ExposureLog.ARM));
    List<Row> perExperiment =
        tagged
            .groupBy(
                col(Units.IDX), col(ExposureLog.SERVED_EXPERIMENT), col(ExposureLog.SERVED_VERSION))
            .agg(
                min(when(accepted, arm)).as(LOWEST_ARM),
                max(when(accepted, arm)).as(HIGHEST_ARM),
                max(when(col(ExposureLog.FAULT).equalTo(Fault.SRM.code()), 1L).otherwise(0L))
                    .as(SRM_UNIT))
            .groupBy(ExposureLog.SERVED_EXPERIMENT, ExposureLog.SERVED_VERSION)
            .agg(
                sum(when(col(LOWEST_ARM).notEqual(col(HIGHEST_ARM)), 1L).otherwise(0L)),
                sum(col(SRM_UNIT)))
            .collectAsList();

    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    ObjectNode faults = out.putObject("faults");
    ObjectNode rates = faults.putObject("rates");
    plan.clean().forEach(rates::put);
    plan.extra().forEach((status, rate) -> rates.put("unassigned_" + status.code(), rate));
    Map<String, Long> byFault = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (Fault x : Fault.values()) {
      if (x != Fault.SRM && x != Fault.QUARANTINE) {
        byFault.put(x.code(), 0L);
      }
    }
    for (QuarantineReason r : QuarantineReason.values()) {
      byReason.put(r.code(), 0L);
    }
    long srmEvents = 0;
    long lines = 0;
    Map<String, Long> linesByDate = new TreeMap<>();
    Map<String, Long> duplicatesByDate = new TreeMap<>();
    Map<String, Map<String, Long>> quarantineByDate = new TreeMap<>();
    Map<String, ExperimentCounts> experiments = new TreeMap<>();
    for (ExperimentDefinition d : online.experiments()) {
      experiments.put(d.id(), new ExperimentCounts());
    }
    for (Row r : cells) {
      String date = String.valueOf(r.get(0)); // a java.sql.Date prints as YYYY-MM-DD
      String id = r.getString(1) + "@" + r.getString(2);
      String fault = r.getString(3);
      String reason = r.getString(4);
      String category = r.getString(5);
      boolean written = r.getBoolean(6);
      long n = r.getLong(7);
      if (Fault.SRM.code().equals(fault)) {
        srmEvents += n;
      } else if (reason != null) {
        byReason.merge(reason, n, Long::sum);
      } else if (fault != null) {
        byFault.merge(fault, n, Long::sum);
      }
      if (!written) {
        continue;
      }
      lines += n;
      linesByDate.merge(date, n, Long::sum);
      if (reason != null) {
        quarantineByDate.computeIfAbsent(date, k -> new TreeMap<>()).merge(reason, n, Long::sum);
      } else if (Fault.DUPLICATES.code().equals(fault)) {
        duplicatesByDate.merge(date, n, Long::sum);
        experiments.get(id).duplicates += n;
      } else {
        ExperimentCounts e = experiments.get(id);
        e.categories.merge(category, n, Long::sum);
        e.byDate.computeIfAbsent(date, k -> new TreeMap<>()).merge(category, n, Long::sum);
      }
    }
    long srmUnits = 0;
    for (Row r : perExperiment) {
      experiments.get(r.getString(0) + "@" + r.getString(1)).multipleArmUnits = r.getLong(2);
      srmUnits += r.getLong(3);
    }

    if (plan.srm().isPresent()) {
      FaultPlan.Srm s = plan.srm().get();
      ObjectNode srm = faults.putObject("srm");
      srm.put("experiment", s.experiment());
      srm.put("arm", s.arm());
      srm.putObject("stratum").put(s.attribute(), s.value());
      srm.put("unit_share", s.unitShare());
      srm.put("dropped_units", srmUnits);
      srm.put("dropped_events", srmEvents);
    }
    byFault.forEach(faults::put);
    ObjectNode quarantine = faults.putObject("quarantine");
    byReason.forEach(quarantine::put);

    ObjectNode rec = out.putObject("reconciliation");
    rec.put("lines", lines);
    linesByDate.forEach(rec.putObject("lines_by_partition")::put);
    ObjectNode dup = rec.putObject("duplicates_by_partition");
    linesByDate.keySet().forEach(d -> dup.put(d, duplicatesByDate.getOrDefault(d, 0L)));
    ObjectNode q = rec.putObject("quarantine");
    q.put("total", byReason.values().stream().mapToLong(Long::longValue).sum());
    byReason.forEach(q.putObject("by_reason")::put);
    ObjectNode qByDate = q.putObject("by_partition");
    quarantineByDate.forEach((d, m) -> m.forEach(qByDate.putObject(d)::put));
    ObjectNode exps = rec.putObject("experiments");
    for (ExperimentDefinition d : online.experiments()) {
      ExperimentCounts e = experiments.get(d.id());
      ObjectNode node = exps.withObjectProperty(d.key()).putObject(d.version().toString());
      node.put("accepted", e.categories.values().stream().mapToLong(Long::longValue).sum());
      node.put("duplicates", e.duplicates);
      ObjectNode cats = node.putObject("categories");
      for (Category c : Category.values()) {
        if (c != Category.MULTIPLE_ARMS) {
          cats.put(c.code(), e.categories.getOrDefault(c.code(), 0L));
        }
      }
      node.put("multiple_arms_units", e.multipleArmUnits);
      ObjectNode byDate = node.putObject("by_partition");
      e.byDate.forEach((date, m) -> m.forEach(byDate.putObject(date)::put));
    }
    return out;
  }

  /** Rows the reconciler accepts: written and not quarantined (duplicates included). */
  static Dataset<Row> accepted(Dataset<Row> tagged) {
    return tagged.filter(col(ExposureLog.WRITTEN).and(col(ExposureLog.QUARANTINE).isNull()));
  }

  private static final class ExperimentCounts {
    final Map<String, Long> categories = new TreeMap<>();
    final Map<String, Map<String, Long>> byDate = new TreeMap<>();
    long duplicates;
    long multipleArmUnits;
  }
}
