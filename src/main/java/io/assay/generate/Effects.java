package io.assay.generate;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The true effects of the world: relative changes of a unit's channel rates, from its first
 * exposure to an arm on. An arm with effect {@code e} on a channel multiplies the unit's rate on it
 * by {@code 1 + e}; effects of several experiments multiply. Experiments and arms not listed here
 * (every control arm, every experiment of another configuration) have no effect.
 */
public final class Effects {
  private final Map<String, Map<String, Map<Channel, Double>>> table;

  private Effects(Map<String, Map<String, Map<Channel, Double>>> table) {
    this.table = table;
  }

  /** The built-in table for the example experiments of {@code conf/experiments}. */
  public static Effects builtIn() {
    Map<String, Map<String, Map<Channel, Double>>> t = new LinkedHashMap<>();
    put(t, "checkout_button", "big_button", Channel.ORDERS, 0.08);
    put(t, "search_ranking", "ltr_v1", Channel.SESSIONS, 0.03);
    put(t, "search_ranking", "ltr_v1", Channel.PAGE_VIEWS, 0.05);
    put(t, "search_ranking", "ltr_v2", Channel.SESSIONS, 0.06);
    put(t, "search_ranking", "ltr_v2", Channel.PAGE_VIEWS, 0.08);
    put(t, "search_ranking", "ltr_v2", Channel.CRASHES, 0.15); // a guardrail harm
    put(t, "onboarding_copy", "benefits", Channel.ORDERS, 0.05);
    put(t, "onboarding_copy", "benefits", Channel.SESSIONS, 0.02);
    put(t, "pricing_banner", "banner", Channel.ORDER_VALUE, 0.04);
    put(t, "recs_widget", "widget", Channel.PAGE_VIEWS, 0.06);
    put(t, "checkout_upsell", "upsell", Channel.ORDER_VALUE, 0.08); // each order worth more
    put(t, "checkout_upsell", "upsell", Channel.ORDERS, -0.03); // a few fewer orders
    return new Effects(t);
  }

  private static void put(
      Map<String, Map<String, Map<Channel, Double>>> t,
      String experiment,
      String arm,
      Channel channel,
      double effect) {
    t.computeIfAbsent(experiment, k -> new LinkedHashMap<>())
        .computeIfAbsent(arm, k -> new EnumMap<>(Channel.class))
        .put(channel, effect);
  }

  /** The relative effect {@code e} of an arm on a channel; 0 when none is defined. */
  public double effect(String experiment, String arm, Channel channel) {
    return table
        .getOrDefault(experiment, Map.of())
        .getOrDefault(arm, Map.of())
        .getOrDefault(channel, 0.0);
  }

  /** {@code 1 + e}: the factor an arm applies to a channel's rate. */
  public double multiplier(String experiment, String arm, Channel channel) {
    return 1.0 + effect(experiment, arm, channel);
  }

  /** The factor as a column of (experiment, arm) columns: 1 for every pair without an effect. */
  public Column multiplier(Column experiment, Column arm, Channel channel) {
    Column out = lit(1.0);
    for (var e : table.entrySet()) {
      for (var a : e.getValue().entrySet()) {
        Double effect = a.getValue().get(channel);
        if (effect != null) {
          out =
              when(experiment.equalTo(e.getKey()).and(arm.equalTo(a.getKey())), lit(1.0 + effect))
                  .otherwise(out);
        }
      }
    }
    return out;
  }
}
