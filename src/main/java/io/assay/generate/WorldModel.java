package io.assay.generate;

import java.util.List;
import java.util.Map;

/**
 * Every number that shapes the synthetic world, in one place (documented in {@code
 * docs/generator.md}). Rates are per unit and day for a unit of average activity.
 *
 * <p>A unit's rate on channel {@code c} is {@code base(c) × activity × platform(c) × country(c)}:
 * the activity factor is shared by all channels, so a busy unit is busy everywhere (the channels
 * correlate), and it is the same before and after exposure, so the pre-period predicts the
 * post-period (what CUPED exploits).
 */
public final class WorldModel {
  private WorldModel() {}

  public static final List<String> COUNTRIES =
      List.of("US", "CA", "GB", "DE", "FR", "BR", "IN", "JP");
  public static final double[] COUNTRY_SHARES = {0.35, 0.06, 0.12, 0.10, 0.07, 0.12, 0.12, 0.06};

  public static final List<String> PLATFORMS = List.of("ios", "android", "web");
  public static final double[] PLATFORM_SHARES = {0.40, 0.45, 0.15};

  /** Logging SDK per platform (the {@code source} of an exposure); GrowthBook has its own. */
  public static final Map<String, String> SDK =
      Map.of("ios", "ios-sdk", "android", "android-sdk", "web", "web-sdk");

  public static final String GROWTHBOOK_SDK = "growthbook-js";

  /** Activity is lognormal with mean 1: {@code exp(σ Z - σ²/2)}. */
  public static final double ACTIVITY_SIGMA = 0.9;

  /** Share of accounts created that day ({@code account_age_days = 0}). */
  public static final double NEW_ACCOUNT_SHARE = 0.04;

  /** Other accounts are {@code 1 + floor(Exponential(mean))} days old. */
  public static final double ACCOUNT_AGE_MEAN_DAYS = 400.0;

  /**
   * After its first visit a unit returns on each later day with {@code min(max, scale × activity)}.
   */
  public static final double REVISIT_SCALE = 0.25;

  public static final double REVISIT_MAX = 0.9;

  /** Feature flags on the exposure: {@code [dark_mode]} for 25% of units, both for 10% more. */
  public static final double DARK_MODE_SHARE = 0.25;

  public static final double BETA_NAV_SHARE = 0.10;

  /** Base events per unit and day. */
  public static final Map<Channel, Double> BASE_RATE =
      Map.of(
          Channel.SESSIONS, 0.3,
          Channel.PAGE_VIEWS, 1.0,
          Channel.ORDERS, 0.02,
          Channel.CRASHES, 0.005);

  /** Platform multipliers per channel, in the order of {@link #PLATFORMS}. */
  public static final Map<Channel, double[]> PLATFORM_MULTIPLIER =
      Map.of(
          Channel.SESSIONS, new double[] {1.1, 1.0, 0.8},
          Channel.PAGE_VIEWS, new double[] {1.0, 0.9, 1.3},
          Channel.ORDERS, new double[] {1.2, 0.9, 1.0},
          Channel.CRASHES, new double[] {0.7, 1.5, 0.4});

  /** Order-rate multipliers per country, in the order of {@link #COUNTRIES}. */
  public static final double[] ORDER_COUNTRY_MULTIPLIER = {1.2, 1.0, 1.1, 1.0, 0.9, 0.8, 0.7, 1.0};

  /** Mean order value per country (lognormal, heavy-tailed), in the order of {@link #COUNTRIES}. */
  public static final double[] ORDER_VALUE_MEAN = {60, 55, 50, 50, 45, 25, 12, 55};

  /** σ of log order value: a heavy right tail (the 99.9th percentile is about 30× the median). */
  public static final double ORDER_VALUE_SIGMA = 1.1;

  /** Orders are {@code paid}, or {@code refunded} with this probability. */
  public static final double REFUNDED_SHARE = 0.05;

  public static final String PAID = "paid";
  public static final String REFUNDED = "refunded";

  /** Page names, uniformly chosen. */
  public static final List<String> PAGES = List.of("home", "search", "product", "cart", "checkout");
}
