package io.assay.generate;

import java.util.Locale;

/**
 * What the world's units do, and what an experiment arm can change. Four channels are event streams
 * with a metric source table each; {@link #ORDER_VALUE} has no events of its own: it scales the
 * revenue of every order.
 */
public enum Channel {
  SESSIONS,
  PAGE_VIEWS,
  ORDERS,
  CRASHES,
  ORDER_VALUE;

  /** The channel's name: the metric source it writes ({@code orders}, …) and its truth label. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the channel is an event stream written as a metric source table. */
  public boolean hasEvents() {
    return this != ORDER_VALUE;
  }
}
