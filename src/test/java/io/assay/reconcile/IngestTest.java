package io.assay.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Xxh64;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.io.ExposureLogs;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Duplicate detection against a plain Java reading of the same lines: a valid line is a duplicate
 * when an earlier valid copy of its event id exists (earlier partition, including the lookback,
 * then the smaller 64-bit digests of the raw text, computed here by a plain XXH64); the first valid
 * copy is accepted or quarantined by its references. The lines are random, with many ids repeated
 * within a file, across files and across partitions, exact copies among them, and invalid copies
 * that must not count.
 */
@SparkTest
class IngestTest {
  private static final LocalDate LOOKBACK = LocalDate.parse("2026-11-01");
  private static final List<LocalDate> SCOPE =
      List.of(LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-03"));

  private record Line(LocalDate date, String raw, boolean valid, boolean knownArm) {}

  @Test
  void duplicatesAreTheLaterValidCopiesOfAnEventId(SparkSession spark) throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    var conf = ConfigLoader.load(dir);
    Random random = new Random(20261206L);
    List<Line> lines = new ArrayList<>();
    Path logs = Fixtures.tempDir("ingest-dedup-");
    for (LocalDate date : concat(List.of(LOOKBACK), SCOPE)) {
      Path part = ExposureLogs.partition(io.assay.config.Location.local(logs), date).localPath();
      Files.createDirectories(part);
      for (int file = 0; file < 3; file++) {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          Line line = i > 0 && random.nextInt(20) == 0 ? copyOf(lines, date) : line(random, date);
          lines.add(line);
          text.add(line.raw());
        }
        Files.writeString(part.resolve("part-" + file + ".json"), String.join("\n", text) + "\n");
      }
    }
    Map<String, Long> expected = expected(lines);
    long duplicates =
        expected.entrySet().stream()
            .filter(e -> e.getKey().endsWith(" duplicate"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertTrue(duplicates > 100, "the lines hold many duplicates: " + duplicates);

    RunContext ctx =
        RunContext.of(conf, "ingest", io.assay.config.Location.local(logs), Optional.empty());
    // Both ways: Ingest.classify on the read rows (a shuffle join of the repeated hashes), and
    // Classified as reconcile runs it (cached checked rows, the hashes sent to every task).
    assertEquals(
        expected,
        counts(
            Ingest.classify(
                ExposureLogs.read(
                    spark,
                    ctx,
                    io.assay.config.Location.local(logs),
                    "json",
                    concat(List.of(LOOKBACK), SCOPE)),
                conf.experiments(),
                SCOPE,
                List.of(LOOKBACK))));
    try (Classified classified =
        Classified.of(
            spark,
            ctx,
            io.assay.config.ExposureSource.files(io.assay.config.Location.local(logs), "json"),
            SCOPE,
            List.of(LOOKBACK))) {
      // Only rows that may be quarantined keep their raw text: the others' is rebuilt from their
      // fields, as line() writes it (their timestamps are valid, so the parsed one gives the text).
      org.apache.spark.sql.Column rebuilt =
          org.apache.spark.sql.functions.concat(
              lit("{\"event_id\":\""),
              col(ExposureLogs.EVENT_ID),
              lit("\",\"ts\":\""),
              org.apache.spark.sql.functions.date_format(
                  col(Ingest.EVENT_TS), "yyyy-MM-dd'T'HH:mm:ss'Z'"),
              lit("\",\"unit_id\":\""),
              col(ExposureLogs.UNIT_ID),
              lit("\",\"experiment\":\"checkout_button\",\"version\":\"1.0.0\",\"arm\":\""),
              col(ExposureLogs.ARM),
              lit("\",\"source\":\"t\"}"));
      assertEquals(
          expected,
          counts(
              classified
                  .rows()
                  .withColumn(
                      ExposureLogs.RAW,
                      org.apache.spark.sql.functions.coalesce(col(ExposureLogs.RAW), rebuilt))));
    }
  }

  private static Map<String, Long> counts(org.apache.spark.sql.Dataset<Row> classified) {
    Map<String, Long> actual = new TreeMap<>();
    for (Row r :
        classified
            .groupBy(ExposureLogs.DATE, ExposureLogs.RAW, Ingest.DISPOSITION)
            .count()
            .collectAsList()) {
      actual.merge(
          key(r.getDate(0).toLocalDate(), r.getString(1), r.getString(2)), r.getLong(3), Long::sum);
    }
    return actual;
  }

  /**
   * The timestamp rule of docs/bad-data.md: ISO-8601 with the date and time separated by {@code T}
   * or one space, optional fraction, optional zone (UTC when absent). Each accepted form is the
   * instant a plain Java reading gives; everything else is null (quarantined as bad_timestamp).
   */
  @Test
  void timestampsWithTOrASpaceAreTheSameInstantOthersAreNull(SparkSession spark) {
    Map<String, Instant> accepted = new TreeMap<>();
    Instant ten = Instant.parse("2026-11-02T10:00:00Z");
    accepted.put("2026-11-02T10:00:00Z", ten);
    accepted.put("2026-11-02 10:00:00Z", ten);
    accepted.put("2026-11-02T10:00:00", ten);
    accepted.put("2026-11-02 10:00:00", ten);
    accepted.put("2026-11-02 12:00:00+02:00", ten);
    accepted.put("2026-11-02T09:30:00-00:30", ten);
    accepted.put("2026-11-02 10:00:00.000000001Z", ten.plusNanos(1));
    List<String> rejected =
        List.of(
            "2026-11-02  10:00:00",
            "2026-11-02t10:00:00Z",
            "2026-11-02_10:00:00",
            "2026-11-02 10:00",
            "2026-11-02",
            " 2026-11-02 10:00:00",
            "2026-11-02 10:00:00 ",
            "2026-11-02 10:00:00+0200");
    List<String> all = new ArrayList<>(accepted.keySet());
    all.addAll(rejected);
    Map<String, Instant> parsed = new TreeMap<>();
    for (Row r :
        spark
            .createDataset(all, org.apache.spark.sql.Encoders.STRING())
            .toDF(ExposureLogs.TS)
            .select(org.apache.spark.sql.functions.col(ExposureLogs.TS), Ingest.eventTs())
            .collectAsList()) {
      parsed.put(r.getString(0), r.isNullAt(1) ? null : r.getTimestamp(1).toInstant());
    }
    for (var e : accepted.entrySet()) {
      // Nanoseconds beyond Spark's microseconds are cut, not rounded.
      Instant want = e.getValue().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
      assertEquals(want, parsed.get(e.getKey()), e.getKey());
    }
    for (String t : rejected) {
      assertEquals(null, parsed.get(t), t);
    }
  }

  /** The reference reading: every scope line's disposition, counted by (date, raw, disposition). */
  private static Map<String, Long> expected(List<Line> lines) {
    List<Line> valid =
        lines.stream()
            .filter(Line::valid)
            .sorted(
                Comparator.comparing(Line::date)
                    .thenComparingLong(l -> digest(l.raw()))
                    .thenComparingLong(l -> digest2(l.raw())))
            .toList();
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Long> out = new TreeMap<>();
    for (Line l : valid) {
      boolean first = seen.merge(eventId(l.raw()), 1, Integer::sum) == 1;
      if (!l.date().equals(LOOKBACK)) {
        String d = !first ? "duplicate" : l.knownArm() ? "accepted" : "quarantined";
        out.merge(key(l.date(), l.raw(), d), 1L, Long::sum);
      }
    }
    for (Line l : lines) {
      if (!l.valid() && !l.date().equals(LOOKBACK)) {
        out.merge(key(l.date(), l.raw(), "quarantined"), 1L, Long::sum);
      }
    }
    return out;
  }

  /** Spark's {@code xxhash64(raw)}: XXH64 of the UTF-8 bytes with seed 42. */
  private static long digest(String raw) {
    return Xxh64.hashUtf8(raw);
  }

  /** Spark's {@code xxhash64(raw, raw)}: the second value hashed with the first as its seed. */
  private static long digest2(String raw) {
    byte[] b = raw.getBytes(StandardCharsets.UTF_8);
    return Xxh64.hash(b, 0, b.length, digest(raw));
  }

  private static String key(LocalDate date, String raw, String disposition) {
    return date + " " + raw + " " + disposition;
  }

  /** A random line: an id from a small pool, a valid or bad timestamp, a known or unknown arm. */
  private static Line line(Random random, LocalDate date) {
    String id = "e" + random.nextInt(1500);
    boolean valid = random.nextInt(10) != 0;
    boolean knownArm = random.nextInt(12) != 0;
    String ts = valid ? date + "T10:00:" + String.format("%02d", random.nextInt(60)) + "Z" : "soon";
    String arm = knownArm ? (random.nextBoolean() ? "control" : "big_button") : "purple";
    String raw =
        "{\"event_id\":\""
            + id
            + "\",\"ts\":\""
            + ts
            + "\",\"unit_id\":\"u-"
            + random.nextInt(50)
            + "\",\"experiment\":\"checkout_button\",\"version\":\"1.0.0\",\"arm\":\""
            + arm
            + "\",\"source\":\"t\"}";
    return new Line(date, raw, valid, knownArm);
  }

  /** An exact copy of an earlier line of the same date (a retried write); there is one. */
  private static Line copyOf(List<Line> lines, LocalDate date) {
    List<Line> same = lines.stream().filter(l -> l.date().equals(date)).toList();
    return same.get(same.size() / 2);
  }

  private static String eventId(String raw) {
    int start = raw.indexOf("\"event_id\":\"") + 12;
    return raw.substring(start, raw.indexOf('"', start));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
