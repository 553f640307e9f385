package io.assay.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A synthetic configuration of many concurrent experiments and metrics, for measuring how the cost
 * of a night grows with them ({@code assay generate --experiments N --metrics M}; see {@code
 * docs/generator.md}).
 *
 * <ul>
 *   <li><b>Experiments</b> {@code exp_001 … exp_N} live in {@value #MAX_LAYERS} namespaces (fewer
 *       when {@code N} is smaller): experiment {@code i} is in layer {@code i mod L} and takes an
 *       equal slice of it, so every unit is in exactly one experiment per layer, whatever {@code
 *       N}. Every experiment runs at full traffic without eligibility rules or holdout, so the
 *       exposure log has the same number of rows at 5, 50 and 200 experiments. Layers use the
 *       native and GrowthBook v2 hashes in turn (PlanOut's namespaces cannot be recomputed); every
 *       fourth experiment has three arms, every fifth a 60/40 split.
 *   <li><b>Metrics</b>: {@code M} per source ({@code orders_001}, …, {@code sessions_001}, …), cut
 *       from a few templates per source (binomial, count, mean, capped mean, ratio, event-level
 *       quantile, with and without filters and CUPED) over windows of 1 to 7 days starting at
 *       exposure or a day after (the widest first, so the timeline, and with it every source row,
 *       does not depend on {@code M} from 9 on). Every experiment lists every metric: {@code N ×
 *       4M} experiment × metric pairs.
 *   <li>No experiment has an effect ({@link Effects} knows only the example experiments), so the
 *       metric sources are the same rows for every {@code N} and {@code M}, and every true effect
 *       is 0.
 * </ul>
 */
public final class ScaleConfiguration {
  /** Namespace layers: each unit is in at most this many experiments. */
  public static final int MAX_LAYERS = 5;

  public static final int MAX_EXPERIMENTS = 999;
  public static final int MAX_METRICS = 999;

  /** The first day of exposures, as in the example configuration. */
  static final String START = "2026-11-01T00:00:00Z";

  static final String END = "2026-12-01T00:00:00Z";

  /** One namespace hash per layer; PlanOut has no recomputable namespaces, so it is not used. */
  private static final String[] HASHES = {"native", "growthbook_v2"};

  private static final List<String> SOURCES =
      List.of("orders", "sessions", "page_views", "crashes");

  private ScaleConfiguration() {}

  /**
   * Writes {@code assay.yaml}, {@code metrics.yaml} and {@code experiments/} under {@code conf}.
   * The data root is the parent of {@code conf} and the output root its {@code out} directory.
   */
  public static void write(Path conf, int experiments, int metricsPerSource) {
    if (experiments < 1 || experiments > MAX_EXPERIMENTS) {
      throw new IllegalArgumentException(
          "experiments must be in [1, " + MAX_EXPERIMENTS + "], was " + experiments);
    }
    if (metricsPerSource < 1 || metricsPerSource > MAX_METRICS) {
      throw new IllegalArgumentException(
          "metrics must be in [1, " + MAX_METRICS + "], was " + metricsPerSource);
    }
    List<String> metrics = metricNames(metricsPerSource);
    write(conf.resolve("assay.yaml"), site(layers(experiments)));
    write(conf.resolve("metrics.yaml"), catalog(metricsPerSource));
    for (int i = 0; i < experiments; i++) {
      write(
          conf.resolve("experiments").resolve(key(i)).resolve("1.0.0.yaml"),
          experiment(i, experiments, metrics));
    }
  }

  static int layers(int experiments) {
    return Math.min(MAX_LAYERS, experiments);
  }

  static String key(int i) {
    return String.format(Locale.ROOT, "exp_%03d", i + 1);
  }

  private static String metricName(String source, int j) {
    return String.format(Locale.ROOT, "%s_%03d", source, j + 1);
  }

  private static List<String> metricNames(int perSource) {
    List<String> out = new ArrayList<>();
    for (String s : SOURCES) {
      for (int j = 0; j < perSource; j++) {
        out.add(metricName(s, j));
      }
    }
    return out;
  }

  private static String site(int layers) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by assay generate --experiments: a synthetic site for scale benchmarks.\n");
    b.append("data:\n  root: ..\n  logs: logs\n  logs_format: json\n  population: population\n");
    b.append("output:\n  root: ../out\n");
    b.append("namespaces:\n");
    for (int l = 0; l < layers; l++) {
      b.append("  - name: layer_").append(l + 1).append('\n');
      b.append("    salt: scale-layer-").append(l + 1).append('\n');
    }
    return b.toString();
  }

  private static String experiment(int i, int experiments, List<String> metrics) {
    int layers = layers(experiments);
    int layer = i % layers;
    int inLayer = (experiments - layer + layers - 1) / layers;
    int slot = i / layers;
    String hash = HASHES[layer % HASHES.length];
    StringBuilder b = new StringBuilder();
    b.append("key: ").append(key(i)).append('\n');
    b.append("version: 1.0.0\n");
    b.append("owner: scale@example.com\n");
    b.append("hypothesis: A synthetic experiment without effect (an A/A test) for scale runs.\n");
    b.append("unit: user\n");
    b.append("hash: ").append(hash).append('\n');
    b.append("salt: ").append(key(i)).append('\n');
    b.append("namespace: {name: layer_")
        .append(layer + 1)
        .append(", range: [")
        .append(bound(slot, inLayer))
        .append(", ")
        .append(bound(slot + 1, inLayer))
        .append("]}\n");
    b.append("start: ").append(START).append('\n');
    b.append("end: ").append(END).append('\n');
    b.append("traffic: 1.0\n");
    b.append("arms:\n");
    if (i % 4 == 3) {
      b.append("  - {key: control, weight: 0.34}\n");
      b.append("  - {key: treatment, weight: 0.33}\n");
      b.append("  - {key: variant_b, weight: 0.33}\n");
    } else if (i % 5 == 4) {
      b.append("  - {key: control, weight: 0.6}\n");
      b.append("  - {key: treatment, weight: 0.4}\n");
    } else {
      b.append("  - {key: control, weight: 0.5}\n");
      b.append("  - {key: treatment, weight: 0.5}\n");
    }
    b.append("control: control\n");
    b.append("strata: [platform, country]\n");
    b.append("metrics:\n");
    b.append("  primary: [").append(metrics.get(0)).append("]\n");
    String guardrail = metricName("crashes", 0);
    List<String> secondary =
        metrics.subList(1, metrics.size()).stream().filter(m -> !m.equals(guardrail)).toList();
    if (!secondary.isEmpty()) {
      b.append("  secondary: [").append(String.join(", ", secondary)).append("]\n");
    }
    b.append("  guardrails: [").append(guardrail).append("]\n");
    b.append("analysis:\n  alpha: 0.05\n  power: 0.8\n  correction: holm\n  cuped: true\n");
    return b.toString();
  }

  /** {@code k / n} as a short decimal (exact at both ends: 0 and 1). */
  private static String bound(int k, int n) {
    if (k >= n) {
      return "1.0";
    }
    return new java.math.BigDecimal(k)
        .divide(new java.math.BigDecimal(n), 12, java.math.RoundingMode.HALF_EVEN)
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String catalog(int perSource) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by assay generate --experiments: ")
        .append(perSource)
        .append(" synthetic metrics per source.\n");
    b.append("sources:\n");
    b.append(source("orders", "delta"));
    b.append(source("sessions", "parquet"));
    b.append(source("page_views", "parquet"));
    b.append(source("crashes", "delta"));
    b.append("metrics:\n");
    for (String s : SOURCES) {
      for (int j = 0; j < perSource; j++) {
        b.append("  ").append(metricName(s, j)).append(":\n");
        for (String line : template(s, j)) {
          b.append("    ").append(line).append('\n');
        }
      }
    }
    return b.toString();
  }

  private static String source(String name, String format) {
    return "  "
        + name
        + ":\n    path: "
        + name
        + "\n    format: "
        + format
        + "\n    unit_column: unit_id\n    time_column: ts\n";
  }

  /** The definition lines of metric {@code j} of a source: a template and a window. */
  private static List<String> template(String source, int j) {
    List<String[]> templates =
        switch (source) {
          case "orders" ->
              List.of(
                  new String[] {"kind: binomial", "filter: \"status = 'paid'\""},
                  new String[] {
                    "kind: mean",
                    "value: revenue",
                    "filter: \"status = 'paid'\"",
                    "cap: {percentile: 0.999}",
                    "cuped_window: \"[-14d, 0d)\""
                  },
                  new String[] {"kind: count", "filter: \"status = 'paid'\""},
                  new String[] {"kind: count", "filter: \"status = 'refunded'\""},
                  new String[] {"kind: mean", "value: revenue"},
                  new String[] {
                    "kind: ratio",
                    "numerator: {source: orders, value: revenue, filter: \"status = 'paid'\"}",
                    "denominator: {source: sessions, value: \"1\"}"
                  },
                  new String[] {
                    "kind: quantile",
                    "quantile: 0.5",
                    "level: event",
                    "value: revenue",
                    "filter: \"status = 'paid'\""
                  },
                  new String[] {
                    "kind: mean",
                    "value: revenue",
                    "filter: \"status = 'paid'\"",
                    "cuped_window: \"[-14d, 0d)\""
                  });
          case "sessions" ->
              List.of(
                  new String[] {"kind: count", "cuped_window: \"[-14d, 0d)\""},
                  new String[] {"kind: binomial"},
                  new String[] {"kind: count", "filter: \"platform = 'ios'\""},
                  new String[] {"kind: binomial", "filter: \"platform = 'web'\""});
          case "page_views" ->
              List.of(
                  new String[] {"kind: count"},
                  new String[] {"kind: count", "filter: \"page = 'checkout'\""},
                  new String[] {"kind: binomial", "filter: \"page = 'cart'\""},
                  new String[] {
                    "kind: count",
                    "filter: \"page IN ('home', 'search')\"",
                    "cuped_window: \"[-14d, 0d)\""
                  });
          default ->
              List.of(
                  new String[] {
                    "kind: binomial", "increase_is_good: false", "non_inferiority_margin: 0.10"
                  },
                  new String[] {"kind: count", "increase_is_good: false"},
                  new String[] {
                    "kind: binomial", "filter: \"platform = 'android'\"", "increase_is_good: false"
                  });
        };
    String[] t = templates.get(j % templates.size());
    int variant = j / templates.size();
    // Windows [0d, 7d), [1d, 8d), [0d, 6d), [1d, 7d), …: from 9 metrics per source on, the widest
    // windows are there, so the world's timeline (and every source row) is the same for every M.
    int from = variant % 2;
    int length = 7 - (variant / 2) % 7;
    List<String> out = new ArrayList<>();
    out.add("description: synthetic " + source + " metric " + (j + 1));
    boolean ratio = t[0].equals("kind: ratio");
    for (String line : t) {
      out.add(line);
      if (line.startsWith("kind:") && !ratio) {
        out.add("source: " + source);
      }
    }
    out.add("window: \"[" + from + "d, " + (from + length) + "d)\"");
    return out;
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
