package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Namespaces and hash schemes (issue 19, items 10 and 11): experiments that share a namespace while
 * they run must compute the namespace position with the same hash (decision 0007), and GrowthBook
 * v1 experiments get a warning when a seed of equal length decides their namespace slice or a
 * concurrent experiment's assignment. The project's conf/ has two native experiments in namespace
 * growth (onboarding_copy [0, 0.5), pricing_banner [0.5, 1)) and a GrowthBook v2 one (recs_widget).
 */
class SchemeChecksTest {
  private static final String ONBOARDING = "experiments/onboarding_copy/1.0.0.yaml";
  private static final String PRICING = "experiments/pricing_banner/1.0.0.yaml";
  private static final String CHECKOUT = "experiments/checkout_button/1.0.0.yaml";
  private static final String RECS = "experiments/recs_widget/1.0.0.yaml";

  @Test
  void aNamespaceSharedAcrossHashSchemesIsRejectedOnBothSides() throws IOException {
    Path conf = conf();
    edit(conf, PRICING, "hash: native", "hash: growthbook_v2");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    for (String[] side :
        new String[][] {{PRICING, "onboarding_copy@1.0.0"}, {ONBOARDING, "pricing_banner@1.0.0"}}) {
      String file = conf.resolve(side[0]).toString();
      Problem p =
          e.errors().stream()
              .filter(x -> x.file().equals(file) && x.path().equals("namespace.name"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(e.getMessage()));
      assertTrue(p.message().contains("is shared with " + side[1]), p.message());
      assertTrue(p.message().contains("different hashes"), p.message());
      // Independent positions: 0.5 × 0.5 of all units fall in both slices.
      assertTrue(p.message().contains("about 25% of all units fall in both"), p.message());
      assertTrue(p.fix().contains("the same kind of hash"), p.fix());
    }
    assertEquals(2, e.errors().size(), e.getMessage());
  }

  @Test
  void aNamespaceOfOneHashFamilyOrExperimentsThatDoNotOverlapInTimeAreAccepted()
      throws IOException {
    // GrowthBook v1 and v2 share GrowthBook's namespace hash.
    Path conf = conf();
    edit(conf, ONBOARDING, "hash: native", "hash: growthbook_v1");
    edit(conf, PRICING, "hash: native", "hash: growthbook_v2");
    ConfigLoader.load(conf);

    // Mixed schemes in one namespace at different times share no running period.
    Path later = conf();
    edit(later, PRICING, "hash: native", "hash: growthbook_v2");
    edit(
        later,
        PRICING,
        "start: 2026-11-01T00:00:00Z",
        "start: 2026-11-15T00:00:00Z",
        "end: 2026-11-15T00:00:00Z",
        "end: 2026-11-29T00:00:00Z");
    ConfigLoader.load(later);
  }

  @Test
  void aGrowthBookV1SeedOfTheNamespaceSeedsLengthIsWarnedAbout() throws IOException {
    Path conf = conf();
    // "__growth" has 8 characters; "onboard1" too, "pricing_banner" 14.
    edit(
        conf,
        ONBOARDING,
        "hash: native",
        "hash: growthbook_v1",
        "salt: onboarding_copy",
        "salt: onboard1");
    edit(conf, PRICING, "hash: native", "hash: growthbook_v1");
    Conf c = ConfigLoader.load(conf);
    List<Problem> w = warningsOn(c, conf.resolve(ONBOARDING));
    assertEquals(1, w.size(), w.toString());
    assertEquals("salt", w.get(0).path());
    assertTrue(
        w.get(0).message().contains("'onboard1' and its namespace seed '__growth'"), w.toString());
    assertTrue(w.get(0).message().contains("arm shares drift from the weights"), w.toString());
    assertTrue(w.get(0).fix().contains("hashing v2"), w.get(0).fix());
    assertTrue(warningsOn(c, conf.resolve(PRICING)).isEmpty(), c.warnings().toString());

    // validate still passes, and shows the warning.
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute("validate", "--conf", conf.toString()));
    assertTrue(
        err.toString().contains("warning: " + conf.resolve(ONBOARDING) + ": salt: "),
        err.toString());
  }

  @Test
  void concurrentGrowthBookV1ExperimentsWithSeedsOfEqualLengthAreWarnedAbout() throws IOException {
    Path conf = conf();
    // checkout_button (8-character seed "checkout", holdout holdout_2026h2) runs with recs_widget
    // (v1, seed "recs_wid") and with the GrowthBook experiments of namespace growth ("__growth").
    edit(
        conf,
        CHECKOUT,
        "hash: native",
        "hash: growthbook_v1",
        "salt: checkout_button",
        "salt: checkout");
    edit(
        conf,
        RECS,
        "hash: growthbook_v2",
        "hash: growthbook_v1",
        "salt: recs_widget ",
        "salt: recs_wid ");
    edit(conf, ONBOARDING, "hash: native", "hash: growthbook_v2");
    edit(conf, PRICING, "hash: native", "hash: growthbook_v2");
    Conf c = ConfigLoader.load(conf);
    List<Problem> checkout = warningsOn(c, conf.resolve(CHECKOUT));
    assertEquals(3, checkout.size(), checkout.toString());
    assertTrue(
        checkout.stream()
            .anyMatch(
                p ->
                    p.message().contains("the seed of its arms ('recs_wid') of recs_widget@1.0.0")),
        checkout.toString());
    for (String other : List.of("onboarding_copy@1.0.0", "pricing_banner@1.0.0")) {
      assertTrue(
          checkout.stream()
              .anyMatch(
                  p ->
                      p.message()
                          .contains("the seed of its namespace slice ('__growth') of " + other)),
          checkout.toString());
    }
    List<Problem> recs = warningsOn(c, conf.resolve(RECS));
    assertTrue(
        recs.stream().anyMatch(p -> p.message().contains("of checkout_button@1.0.0")),
        recs.toString());

    // Seeds of different lengths: no warning.
    edit(conf, RECS, "salt: recs_wid ", "salt: recs_widget ");
    edit(conf, CHECKOUT, "salt: checkout", "salt: checkout_button");
    assertTrue(
        ConfigLoader.load(conf).warnings().stream().noneMatch(p -> p.path().equals("salt")),
        "no warnings expected");
  }

  @Test
  void theMixMessageGivesTheSharedShareAndBothHashes() throws IOException {
    Path conf = conf();
    edit(
        conf,
        ONBOARDING,
        "hash: native",
        "hash: growthbook_v1",
        "range: [0.0, 0.5]",
        "range: [0.0, 0.2]");
    edit(conf, PRICING, "range: [0.5, 1.0]", "range: [0.6, 1.0]");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf));
    String m = e.errors().get(0).message();
    // 0.2 × 0.4 = 8% of all units.
    assertTrue(m.contains("about 8% of all units fall in both"), m);
    assertTrue(m.contains("GrowthBook's hash v1 of '__growth'"), m);
    assertTrue(m.contains("XXH64 with the namespace salt 'ns-growth-2026'"), m);
  }

  private static List<Problem> warningsOn(Conf c, Path file) {
    return c.warnings().stream().filter(p -> p.file().equals(file.toString())).toList();
  }

  private static Path conf() throws IOException {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    return conf;
  }

  private static void edit(Path conf, String file, String... pairs) throws IOException {
    Path f = conf.resolve(file);
    String s = Files.readString(f);
    for (int i = 0; i < pairs.length; i += 2) {
      assertTrue(s.contains(pairs[i]), file + " lacks " + pairs[i]);
      s = s.replace(pairs[i], pairs[i + 1]);
    }
    Files.writeString(f, s);
  }
}
