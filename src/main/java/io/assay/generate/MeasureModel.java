package io.assay.generate;

import io.assay.config.Measure;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a catalog measure sums, in terms of the world's model, so that its expectation has a closed
 * form: either {@code v} per event of an event channel (a numeric literal value such as the default
 * {@code 1}) or the revenue of orders. Its filter may use any column an arm cannot change (status,
 * page, platform), so that the share of qualifying events is the same in every arm; anything else
 * has no closed form and gets no truth.
 *
 * @param channel the event channel the measure reads (its source)
 * @param perEvent the literal value per event; for revenue 1 (the value is the order's revenue)
 * @param revenue whether the value is the order's revenue (scaled by the order-value effect)
 * @param filter the measure's filter, if any
 */
public record MeasureModel(
    Channel channel, double perEvent, boolean revenue, Optional<String> filter) {

  /** The one column an arm changes the distribution of (through {@link Channel#ORDER_VALUE}). */
  static final String EFFECTED_COLUMN = MetricEvents.REVENUE;

  /** The model of a measure, or a reason why it has none. */
  public static Result of(Measure m) {
    Optional<Channel> channel = Optional.empty();
    for (Channel c : Channel.values()) {
      if (c.hasEvents() && c.code().equals(m.source())) {
        channel = Optional.of(c);
      }
    }
    if (channel.isEmpty()) {
      return Result.none("source '" + m.source() + "' is not generated");
    }
    if (m.filter().isPresent() && columns(m.filter().get()).contains(EFFECTED_COLUMN)) {
      return Result.none("its filter reads " + EFFECTED_COLUMN + ", which an arm changes");
    }
    Expression value = parse(m.value());
    if (value instanceof Literal lit && lit.value() != null) {
      try {
        double v = Double.parseDouble(lit.value().toString());
        return Result.of(new MeasureModel(channel.get(), v, false, m.filter()));
      } catch (NumberFormatException e) {
        return Result.none("value '" + m.value() + "' is not a number");
      }
    }
    if (channel.get() == Channel.ORDERS
        && value instanceof UnresolvedAttribute a
        && a.name().equals(MetricEvents.REVENUE)) {
      return Result.of(new MeasureModel(Channel.ORDERS, 1.0, true, m.filter()));
    }
    return Result.none("value '" + m.value() + "' is neither a number nor orders.revenue");
  }

  /** A model or the reason there is none. */
  public record Result(Optional<MeasureModel> model, String reason) {
    static Result of(MeasureModel m) {
      return new Result(Optional.of(m), null);
    }

    static Result none(String reason) {
      return new Result(Optional.empty(), reason);
    }
  }

  /** The column names an SQL expression reads. */
  static Set<String> columns(String sql) {
    Set<String> out = new HashSet<>();
    Deque<Expression> todo = new ArrayDeque<>();
    todo.push(parse(sql));
    while (!todo.isEmpty()) {
      Expression e = todo.pop();
      if (e instanceof UnresolvedAttribute a) {
        out.add(a.name());
      }
      CollectionConverters.asJava(e.children()).forEach(todo::push);
    }
    return out;
  }

  private static Expression parse(String sql) {
    try {
      return CatalystSqlParser$.MODULE$.parseExpression(sql);
    } catch (Exception e) { // the catalog's SQL was checked at load time; keep the message
      throw new IllegalArgumentException("cannot parse '" + sql + "': " + e.getMessage(), e);
    }
  }
}
