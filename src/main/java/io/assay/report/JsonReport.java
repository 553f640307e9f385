package io.assay.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.config.ExperimentDefinition;
import java.time.LocalDate;
import java.util.List;

/** The machine-readable report: the same content as the HTML page, as JSON (snake_case keys). */
public final class JsonReport {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static ObjectNode tree(ExperimentReport r) {
    ExperimentDefinition d = r.definition();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schema_version", 1);
    o.put("date", r.date().toString());
    ObjectNode e = o.putObject("experiment");
    e.put("key", d.key());
    e.put("version", d.version().toString());
    e.put("owner", d.owner());
    e.put("hypothesis", d.hypothesis());
    e.put("start", d.start().toString());
    e.put("end", d.end().toString());
    e.put("control", d.control());
    e.put("hash", d.hash().yaml);
    e.put("sha256", d.sha256());
    ArrayNode arms = e.putArray("arms");
    d.arms().forEach(a -> arms.addObject().put("key", a.key()).put("weight", a.weight()));
    o.set("decisions", MAPPER.valueToTree(r.decisions()));
    ObjectNode health = o.putObject("health");
    health.set("srm", MAPPER.valueToTree(r.srm()));
    // Every flagged slice by name (p-values Holm-adjusted over the version's slices).
    ArrayNode flagged = health.putArray("srm_flagged_slices");
    for (ExperimentReport.Check c : r.srmFlagged()) {
      ObjectNode f = flagged.addObject().put("slice", c.where());
      number(f, "p_value", c.pValue());
      number(f, "p_value_adjusted", c.pValueAdjusted());
    }
    health.set("srm_daily", MAPPER.valueToTree(r.srmDaily()));
    Double match = r.matchRate();
    if (match == null) {
      health.putNull("match_rate");
    } else {
      health.put("match_rate", match);
    }
    health.set("reconciliation", MAPPER.valueToTree(r.reconciliation()));
    health.set("quarantine", MAPPER.valueToTree(r.quarantine()));
    health.set("quarantine_unknown_version", MAPPER.valueToTree(r.quarantineUnknownVersion()));
    health.set("unknown_versions", MAPPER.valueToTree(r.unknownVersions()));
    health.put("quarantined_rows", r.quarantinedRows());
    health.set("covariates", MAPPER.valueToTree(r.covariates()));
    o.set("metrics", MAPPER.valueToTree(r.metrics()));
    o.set("segments", MAPPER.valueToTree(r.segments()));
    o.set("series", MAPPER.valueToTree(r.series()));
    o.set("run", MAPPER.valueToTree(r.run()));
    return o;
  }

  public static String render(ExperimentReport r) {
    return write(tree(r));
  }

  /** The index: every experiment with its decisions. */
  public static String index(LocalDate date, List<ExperimentReport> reports) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("date", date.toString());
    ArrayNode list = o.putArray("experiments");
    for (ExperimentReport r : reports) {
      ObjectNode x = list.addObject();
      x.put("experiment", r.definition().key());
      x.put("version", r.definition().version().toString());
      x.put("report", HtmlReport.file(r.definition()) + ".json");
      x.set("decisions", MAPPER.valueToTree(r.decisions()));
      ArrayNode srm = x.putArray("srm_flagged_slices");
      r.srmFlagged().forEach(c -> srm.add(c.where()));
    }
    return write(o);
  }

  private static void number(ObjectNode o, String name, Double v) {
    if (v == null || !Double.isFinite(v)) {
      o.putNull(name);
    } else {
      o.put(name, v.doubleValue());
    }
  }

  private static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a JSON tree", e);
    }
  }
}
