package io.assay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code balance.*} in assay.yaml: defaults, {@code cross_strata: true} and explicit crossings. */
class BalanceSettingsTest {

  static AssayConfig.Balance read(String balanceSection) throws Exception {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    Path site = conf.resolve("assay.yaml");
    String text = Files.readString(site);
    int start = text.indexOf("balance:\n");
    int end = text.indexOf("privacy:\n");
    Files.writeString(site, text.substring(0, start) + balanceSection + text.substring(end));
    return ConfigLoader.load(conf).assay().balance();
  }

  @Test
  void defaultsWhenAbsent() throws Exception {
    AssayConfig.Balance b = read("");
    assertEquals(AssayConfig.Balance.DEFAULTS, b);
    assertEquals(List.of(), b.crossingsFor(List.of("platform", "country")));
  }

  @Test
  void fullCrossOfEachExperimentsStrata() throws Exception {
    AssayConfig.Balance b = read("balance:\n  cross_strata: true\n  max_levels: 7\n");
    assertEquals(7, b.maxLevels());
    assertEquals(
        List.of(List.of("platform", "country")), b.crossingsFor(List.of("platform", "country")));
    assertEquals(List.of(), b.crossingsFor(List.of("platform")));
  }

  @Test
  void explicitCrossingsApplyWhereAllTheirAttributesAreStrata() throws Exception {
    AssayConfig.Balance b =
        read("balance:\n  cross_strata: [[country, platform], [platform, device]]\n");
    assertEquals(
        List.of(List.of("country", "platform")), b.crossingsFor(List.of("platform", "country")));
    assertEquals(List.of(), b.crossingsFor(List.of("platform")));
  }
}
