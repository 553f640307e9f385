package io.assay.assignment;

import io.assay.config.AnalysisSettings;
import io.assay.config.Arm;
import io.assay.config.AssayConfig;
import io.assay.config.Condition;
import io.assay.config.ExperimentDefinition;
import io.assay.config.HashScheme;
import io.assay.config.Holdout;
import io.assay.config.MetricRefs;
import io.assay.config.Namespace;
import io.assay.config.NamespaceRange;
import io.assay.config.RampStep;
import io.assay.config.SemVer;
import io.assay.config.TrafficSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds experiment definitions and site configurations for assignment tests. */
final class Definitions {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2026-03-01T00:00:00Z");

  private String key = "exp";
  private String salt = "exp";
  private HashScheme scheme = HashScheme.NATIVE;
  private double[] weights = {0.5, 0.5};
  private final List<RampStep> steps = new ArrayList<>();
  private Optional<NamespaceRange> namespace = Optional.empty();
  private Optional<String> holdout = Optional.empty();
  private Condition eligibility = new Condition.Always();

  static Definitions experiment(String key) {
    Definitions d = new Definitions();
    d.key = key;
    d.salt = key;
    return d;
  }

  Definitions salt(String s) {
    salt = s;
    return this;
  }

  Definitions scheme(HashScheme s) {
    scheme = s;
    return this;
  }

  Definitions weights(double... w) {
    weights = w.clone();
    return this;
  }

  /** A ramp step {@code days} after the start. */
  Definitions step(int days, double traffic) {
    steps.add(new RampStep(START.plusSeconds(86_400L * days), traffic));
    return this;
  }

  Definitions namespace(String name, double start, double end) {
    namespace = Optional.of(new NamespaceRange(name, start, end));
    return this;
  }

  Definitions holdout(String name) {
    holdout = Optional.of(name);
    return this;
  }

  Definitions eligibility(Condition c) {
    eligibility = c;
    return this;
  }

  ExperimentDefinition build() {
    List<Arm> arms = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      arms.add(new Arm("arm" + i, weights[i]));
    }
    List<RampStep> ramp = steps.isEmpty() ? List.of(new RampStep(START, 1.0)) : steps;
    return new ExperimentDefinition(
        key,
        SemVer.parse("1.0.0"),
        "owner",
        "hypothesis",
        "user",
        salt,
        scheme,
        namespace,
        holdout,
        new TrafficSchedule(ramp),
        arms,
        "arm0",
        START,
        END,
        eligibility,
        List.of(),
        new MetricRefs(List.of("m"), List.of(), List.of()),
        AnalysisSettings.defaults(),
        key + "/1.0.0.yaml",
        "0".repeat(64),
        ExperimentDefinition.ArmsLoggedAs.KEY);
  }

  AssignmentPlan plan(AssayConfig site) {
    return AssignmentPlan.of(build(), site);
  }

  /** A site configuration with only namespaces and holdouts set (the rest is not read here). */
  static AssayConfig site(List<Namespace> namespaces, List<Holdout> holdouts) {
    return new AssayConfig(
        null, null, null, null, Optional.empty(), null, null, null, null, namespaces, holdouts);
  }
}
