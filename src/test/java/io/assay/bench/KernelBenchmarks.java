package io.assay.bench;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.GrowthBookHash;
import io.assay.assignment.NativeHash;
import io.assay.assignment.PlanOutHash;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.stats.BivariateMoments;
import io.assay.stats.CupedTest;
import io.assay.stats.PValueAdjustment;
import io.assay.stats.SampleMoments;
import io.assay.stats.WelchTTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the pure-Java kernels: the hash schemes, a full assignment decision, and the
 * statistics engine on sufficient statistics. Run with {@code jobs/bench.sh --jmh} (results in
 * BENCHMARKS.md). Units cycle through a fixed array so the JIT cannot fold the inputs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmarks {
  private static final int N = 4096;
  private final String[] units = new String[N];
  private final Map<String, String> attrs = Map.of("country", "US", "platform", "ios");
  private final Instant at = Instant.parse("2026-11-05T12:00:00Z");
  private AssignmentPlan checkout;
  private SampleMoments control;
  private SampleMoments treatment;
  private BivariateMoments controlXy;
  private BivariateMoments treatmentXy;
  private final double[] pValues = new double[200];
  private int i;

  @Setup
  public void setup() {
    Random r = new Random(7);
    for (int k = 0; k < N; k++) {
      units[k] = "user-" + (100_000_000 + r.nextInt(900_000_000));
    }
    Conf conf = ConfigLoader.load(Path.of("conf"));
    checkout = AssignmentPlan.of(conf.resolve("checkout_button"), conf.assay());
    control = new SampleMoments(1_000_000, 52_000.0, 2_704_000.0 + 1e6);
    treatment = new SampleMoments(1_000_000, 53_100.0, 2_819_610.0 + 1e6);
    controlXy = new BivariateMoments(1_000_000, 52_000, 1_050_000, 50_000, 1_000_000, 900_000);
    treatmentXy = new BivariateMoments(1_000_000, 53_100, 1_070_000, 50_100, 1_001_000, 905_000);
    for (int k = 0; k < pValues.length; k++) {
      pValues[k] = r.nextDouble();
    }
  }

  private String next() {
    return units[i++ & (N - 1)];
  }

  @Benchmark
  public double nativeHashPosition() {
    return NativeHash.position("checkout-button-2026", next());
  }

  @Benchmark
  public double growthBookV2Hash() {
    return GrowthBookHash.hash("checkout-button-2026", next(), 2);
  }

  @Benchmark
  public long planOutHash() {
    return PlanOutHash.hash("checkout-button-2026.arm", next());
  }

  @Benchmark
  public Object assignerDecide() {
    return Assigner.decide(checkout, next(), attrs, at);
  }

  @Benchmark
  public Object welchTest() {
    return WelchTTest.withDefaults().test(control, treatment);
  }

  @Benchmark
  public Object cupedTest() {
    return CupedTest.withDefaults().test(controlXy, treatmentXy);
  }

  @Benchmark
  public double[] benjaminiHochberg200() {
    return PValueAdjustment.BENJAMINI_HOCHBERG.adjust(pValues);
  }
}
