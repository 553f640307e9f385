package io.assay.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.config.Conf;
import io.assay.config.ExperimentDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An independent reading of JSON-lines exposure logs in plain Java: Jackson line by line, the
 * pure-Java {@link Assigner} for the expected arm, and none of the generator's or the reconciler's
 * code. It applies the rules of DESIGN §4.1 and docs/schema.md as written: a line is one JSON
 * object; required fields present and non-empty; ISO-8601 timestamps; the first copy of an event id
 * (earliest partition, then smallest line) is kept; references must exist; an accepted exposure is
 * classified by the definition it names.
 */
final class LogAudit {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> REQUIRED =
      List.of("event_id", "ts", "unit_id", "experiment", "version", "arm");
  private static final Pattern TS =
      Pattern.compile(
          "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})?\\z");

  private long lines;
  private final Map<String, Long> linesByPartition = new TreeMap<>();
  private final Map<String, Long> duplicatesByPartition = new TreeMap<>();
  private final Map<String, Long> quarantineByReason = new TreeMap<>();
  private final Map<String, Map<String, Long>> categories = new HashMap<>();
  private final Map<String, Long> duplicates = new HashMap<>();
  private final Map<String, Set<String>> armsByUnit = new HashMap<>();

  long lines() {
    return lines;
  }

  Map<String, Long> linesByPartition() {
    return linesByPartition;
  }

  Map<String, Long> duplicatesByPartition() {
    return duplicatesByPartition;
  }

  Map<String, Long> quarantineByReason() {
    return quarantineByReason;
  }

  Map<String, Long> categories(String experimentVersion) {
    return categories.getOrDefault(experimentVersion, Map.of());
  }

  long duplicates(String experimentVersion) {
    return duplicates.getOrDefault(experimentVersion, 0L);
  }

  long multipleArmUnits(String experimentVersion) {
    return armsByUnit.entrySet().stream()
        .filter(e -> e.getKey().startsWith(experimentVersion + "|") && e.getValue().size() > 1)
        .count();
  }

  static LogAudit read(Path logs, Conf conf) throws IOException {
    Map<String, AssignmentPlan> plans = new HashMap<>();
    Set<String> keys = new HashSet<>();
    for (ExperimentDefinition d : conf.experiments()) {
      plans.put(d.key() + "@" + d.version(), AssignmentPlan.of(d, conf.assay()));
      keys.add(d.key());
    }
    // Every line, with its partition, in the order of the first-copy rule.
    List<String[]> all = new ArrayList<>();
    List<Path> partitions;
    try (Stream<Path> s = Files.list(logs)) {
      partitions = s.filter(p -> p.getFileName().toString().startsWith("date=")).sorted().toList();
    }
    for (Path partition : partitions) {
      String date = partition.getFileName().toString().substring("date=".length());
      List<Path> files;
      try (Stream<Path> s = Files.list(partition)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
      }
      List<String> partLines = new ArrayList<>();
      for (Path f : files) {
        partLines.addAll(Files.readAllLines(f));
      }
      partLines.sort(null);
      partLines.forEach(l -> all.add(new String[] {date, l}));
    }

    LogAudit a = new LogAudit();
    Set<String> seen = new HashSet<>();
    for (String[] dl : all) {
      String date = dl[0];
      String line = dl[1];
      a.lines++;
      a.linesByPartition.merge(date, 1L, Long::sum);
      a.duplicatesByPartition.putIfAbsent(date, 0L);
      JsonNode n = parse(line);
      String reason = structural(n);
      if (reason != null) {
        a.quarantineByReason.merge(reason, 1L, Long::sum);
        continue;
      }
      String exp = n.get("experiment").asText();
      String version = n.get("version").asText();
      String id = exp + "@" + version;
      if (!seen.add(n.get("event_id").asText())) {
        a.duplicatesByPartition.merge(date, 1L, Long::sum);
        a.duplicates.merge(id, 1L, Long::sum);
        continue;
      }
      AssignmentPlan plan = plans.get(id);
      String arm = n.get("arm").asText();
      if (!keys.contains(exp)) {
        a.quarantineByReason.merge("unknown_experiment", 1L, Long::sum);
        continue;
      }
      if (plan == null) {
        a.quarantineByReason.merge("unknown_version", 1L, Long::sum);
        continue;
      }
      if (!plan.definition().armKeys().contains(arm)) {
        a.quarantineByReason.merge("unknown_arm", 1L, Long::sum);
        continue;
      }
      String unit = n.get("unit_id").asText();
      Map<String, String> attributes = new HashMap<>();
      JsonNode attrs = n.get("attributes");
      if (attrs != null && attrs.isObject()) {
        attrs.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
      }
      Instant at = instant(n.get("ts").asText());
      Decision d = Assigner.decide(plan, unit, attributes, at);
      String category =
          switch (d.status()) {
            case OUTSIDE_WINDOW -> "outside_window";
            case NOT_ELIGIBLE -> "not_eligible";
            case HOLDOUT -> "holdout_conflict";
            case NOT_IN_NAMESPACE -> "namespace_conflict";
            case NOT_IN_TRAFFIC -> "not_in_traffic";
            case ASSIGNED -> d.arm().equals(arm) ? "match" : "wrong_arm";
          };
      a.categories.computeIfAbsent(id, k -> new TreeMap<>()).merge(category, 1L, Long::sum);
      a.armsByUnit.computeIfAbsent(id + "|" + unit, k -> new HashSet<>()).add(arm);
    }
    return a;
  }

  private static JsonNode parse(String line) {
    String t = line.trim();
    if (!t.startsWith("{") || !t.endsWith("}")) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(t);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The structural quarantine reason of a line, or null. */
  private static String structural(JsonNode n) {
    if (n == null) {
      return "unparseable";
    }
    for (String f : REQUIRED) {
      if (n.get(f) == null || n.get(f).isNull()) {
        return "missing_field";
      }
    }
    for (String f : List.of("event_id", "experiment", "version")) {
      if (n.get(f).asText().isEmpty()) {
        return "missing_field";
      }
    }
    for (String f : REQUIRED) {
      JsonNode v = n.get(f);
      if (v.isContainerNode() || v.asText().matches("(?s)^\\s*[\\[{].*")) {
        return "wrong_type";
      }
    }
    String unit = n.get("unit_id").asText();
    if (unit.isBlank()) {
      return "empty_unit_id";
    }
    if (unit.length() > 256 || unit.matches("(?s).*\\p{Cntrl}.*")) {
      return "invalid_unit_id";
    }
    if (n.get("arm").asText().isEmpty()) {
      return "empty_arm";
    }
    if (!TS.matcher(n.get("ts").asText()).matches() || instant(n.get("ts").asText()) == null) {
      return "bad_timestamp";
    }
    return null;
  }

  private static Instant instant(String ts) {
    try {
      String iso = ts.replace(' ', 'T');
      if (iso.endsWith("Z") || iso.matches(".*[+-]\\d{2}:\\d{2}$")) {
        return OffsetDateTime.parse(iso).toInstant();
      }
      return OffsetDateTime.parse(iso + "Z").toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
