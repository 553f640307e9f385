package io.assay.config.growthbook;

import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ConfigLoader;
import io.assay.config.ExperimentDefinition;
import io.assay.config.HashScheme;
import io.assay.config.Problems;
import io.assay.config.RampStep;
import io.assay.config.SemVer;
import io.assay.config.growthbook.GrowthBookPayload.ExperimentRule;
import io.assay.config.growthbook.GrowthBookPayload.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code assay import growthbook}: GrowthBook experiment rules → assay definition versions.
 *
 * <p>One definition per experiment key ({@code conf/experiments/KEY/VERSION.yaml}). The import owns
 * the fields that decide assignment — hash scheme and seed, unit (GrowthBook's hash attribute),
 * namespace, traffic (coverage), arms and weights, control, eligibility — and compares them with
 * the key's latest version: equal, nothing is written; different (or no version yet), a new version
 * is written ({@code 1.0.0} for a new key, else the next minor version of the latest), carrying the
 * latest version's other fields (owner, hypothesis, strata, metrics, analysis). Every file is
 * validated with the directory before anything is written (the same checks as {@code validate});
 * any problem writes nothing. Decision 0012 records the rules.
 */
public final class GrowthBookImport {
  /** GrowthBook rules have no end: an imported version runs until a later version replaces it. */
  public static final Instant OPEN_END = Instant.parse("9999-12-31T00:00:00Z");

  /**
   * @param start the window start of every version written
   * @param primaryMetrics primary metrics of experiments imported for the first time
   * @param owner owner of experiments imported for the first time
   * @param ignoreStickyBucketing the SDKs use no sticky bucket service
   */
  public record Options(
      Instant start, List<String> primaryMetrics, String owner, boolean ignoreStickyBucketing) {
    public Options {
      primaryMetrics = List.copyOf(primaryMetrics);
    }
  }

  /** A version to write, and why. */
  public record Write(
      String key,
      String version,
      Path file,
      String text,
      Optional<String> previous,
      List<String> changed,
      String rule) {}

  /** What an import does: the versions it writes, the keys left unchanged, notes. */
  public record Plan(
      List<Write> writes, List<String> unchanged, List<String> notes, List<String> warnings) {
    public boolean changesNothing() {
      return writes.isEmpty();
    }
  }

  private GrowthBookImport() {}

  /**
   * Reads the payload and the configuration directory and works out what to write; throws a {@link
   * ConfigException} listing every problem (nothing is written then).
   */
  public static Plan plan(Path features, Path confDir, Options o) {
    Problems problems = new Problems();
    Payload payload = GrowthBookPayload.read(features, o.ignoreStickyBucketing(), problems);
    problems.throwIfErrors();
    Conf existing = ConfigLoader.loadWith(confDir, List.of(), true);
    List<Write> writes = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<ConfigLoader.PendingDefinition> pending = new ArrayList<>();
    for (ExperimentRule r : payload.rules()) {
      Optional<ExperimentDefinition> latest = existing.latest(r.key());
      if (latest.isEmpty() && o.primaryMetrics().isEmpty()) {
        problems.error(
            payload.file().toString(),
            r.path(),
            "experiment '"
                + r.key()
                + "' has no definition yet, and a definition names its primary metrics, which a"
                + " GrowthBook payload does not hold",
            "pass --primary-metric NAME (a metric of metrics.yaml; repeatable) for the experiments"
                + " imported for the first time");
        continue;
      }
      String version = latest.map(d -> nextMinor(d.version())).orElse("1.0.0");
      Path file = confDir.resolve("experiments").resolve(r.key()).resolve(version + ".yaml");
      String text = render(r, version, latest, o, payload.file());
      Problems own = new Problems();
      ExperimentDefinition candidate =
          ConfigLoader.parseDefinition(text, file.toString(), r.key(), version, own);
      if (candidate == null) {
        throw new IllegalStateException(
            "the import wrote a definition it cannot read back (" + own.errors() + "):\n" + text);
      }
      List<String> changed = latest.map(d -> changedFields(d, candidate)).orElse(List.of());
      if (latest.isPresent() && changed.isEmpty()) {
        unchanged.add(latest.get().id());
        continue;
      }
      if (Files.exists(file)) {
        problems.error(
            file.toString(),
            "",
            "the import would write this file, which exists but is not a loaded definition",
            "move it away");
        continue;
      }
      writes.add(
          new Write(
              r.key(),
              version,
              file,
              text,
              latest.map(ExperimentDefinition::id),
              changed,
              r.path()));
      pending.add(new ConfigLoader.PendingDefinition(file, r.key(), version, text));
    }
    problems.throwIfErrors();
    List<String> warnings = new ArrayList<>();
    if (!pending.isEmpty()) {
      // The directory with the new files must validate, or nothing is written.
      Conf after = ConfigLoader.loadWith(confDir, pending, true);
      for (var w : after.warnings()) {
        if (pending.stream().anyMatch(p -> p.file().toString().equals(w.file()))) {
          warnings.add(w.render());
        }
      }
    }
    return new Plan(writes, unchanged, payload.notes(), warnings);
  }

  /**
   * Writes the plan's files. Each is written whole under a temporary name and moved into place; if
   * one fails, those already written are removed again.
   */
  public static void write(Plan plan) {
    List<Path> done = new ArrayList<>();
    try {
      for (Write w : plan.writes()) {
        Files.createDirectories(w.file().getParent());
        Path tmp = w.file().resolveSibling("." + w.file().getFileName() + ".tmp");
        Files.writeString(tmp, w.text(), StandardCharsets.UTF_8);
        Files.move(tmp, w.file(), StandardCopyOption.ATOMIC_MOVE);
        done.add(w.file());
      }
    } catch (IOException e) {
      for (Path p : done) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: the error below names the failure
        }
      }
      throw new UncheckedIOException("cannot write the imported definitions", e);
    }
  }

  /** {@code MAJOR.(MINOR+1).0}, as validate suggests for a changed definition. */
  static String nextMinor(SemVer v) {
    return v.major() + "." + (v.minor() + 1) + ".0";
  }

  /** The names of the assignment fields in which {@code b} differs from {@code a}. */
  static List<String> changedFields(ExperimentDefinition a, ExperimentDefinition b) {
    List<String> out = new ArrayList<>();
    if (a.hash() != b.hash()) {
      out.add("hash");
    }
    if (!a.salt().equals(b.salt())) {
      out.add("salt");
    }
    if (!a.unit().equals(b.unit())) {
      out.add("unit");
    }
    if (!a.namespace().equals(b.namespace())) {
      out.add("namespace");
    }
    if (!a.holdout().equals(b.holdout())) {
      out.add("holdout");
    }
    if (!traffic(a).equals(traffic(b))) {
      out.add(a.traffic().isRamp() ? "ramp" : "traffic");
    }
    if (!a.arms().equals(b.arms())) {
      out.add("arms");
    }
    if (!a.control().equals(b.control())) {
      out.add("control");
    }
    if (!a.eligibility().equals(b.eligibility())) {
      out.add("eligibility");
    }
    return out;
  }

  private static List<Double> traffic(ExperimentDefinition d) {
    return d.traffic().steps().stream().map(RampStep::traffic).toList();
  }

  private static String render(
      ExperimentRule r,
      String version,
      Optional<ExperimentDefinition> latest,
      Options o,
      Path payloadFile) {
    DefinitionYaml y = new DefinitionYaml();
    y.comment(
        "Imported from GrowthBook by `assay import growthbook` ("
            + payloadFile.getFileName()
            + ": "
            + r.path()
            + ").");
    y.comment(
        "GrowthBook owns the assignment fields (hash, salt, unit, namespace, traffic, arms,"
            + " control, eligibility):");
    y.comment("change them in GrowthBook and import again, which writes a new version.");
    y.text("key", r.key());
    y.field("version", version);
    String hypothesis =
        "Imported from GrowthBook: feature '"
            + r.feature()
            + "', rule "
            + r.index()
            + (r.name() == null ? "" : " (" + r.name() + ")");
    y.text("owner", latest.map(ExperimentDefinition::owner).orElse(o.owner()));
    y.text("hypothesis", latest.map(ExperimentDefinition::hypothesis).orElse(hypothesis));
    y.text("unit", r.hashAttribute());
    y.field("hash", r.hash() == HashScheme.GROWTHBOOK_V2 ? "growthbook_v2" : "growthbook_v1");
    y.text("salt", r.seed());
    r.namespace()
        .ifPresent(
            ns ->
                y.field(
                    "namespace",
                    "{name: "
                        + DefinitionYaml.text(ns.namespace())
                        + ", range: ["
                        + DefinitionYaml.number(ns.start())
                        + ", "
                        + DefinitionYaml.number(ns.end())
                        + "]}"));
    y.field("start", o.start().toString());
    y.field("end", OPEN_END.toString());
    y.number("traffic", r.coverage());
    y.arms(r.arms());
    y.text("control", r.arms().get(0).key());
    y.eligibility(r.eligibility());
    if (latest.isPresent()) {
      ExperimentDefinition d = latest.get();
      if (!d.strata().isEmpty()) {
        y.textList("strata", d.strata());
      }
      y.metrics(d.metrics().primary(), d.metrics().secondary(), d.metrics().guardrails());
      y.analysis(d.analysis());
    } else {
      y.metrics(o.primaryMetrics(), List.of(), List.of());
    }
    return y.toString();
  }
}
