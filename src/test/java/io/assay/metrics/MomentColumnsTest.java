package io.assay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.assay.stats.BivariateMoments;
import io.assay.stats.MetricMoments;
import io.assay.stats.SampleMoments;
import io.assay.testing.SparkTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The one declaration of the moment columns: it names every sum component of {@link MetricMoments}
 * in order, the Spark aggregation computes the sums of hand-made per-unit values, and the driver
 * reads them back by name whatever the column order.
 */
@SparkTest
class MomentColumnsTest {

  /** {@code sumYD} is {@code sum_yd}: the column names are the components' names in snake case. */
  @Test
  void theColumnsAreTheRecordsSumComponentsInOrder() {
    List<String> components =
        Arrays.stream(MetricMoments.class.getRecordComponents())
            .map(c -> c.getName())
            .filter(n -> n.startsWith("sum"))
            .map(n -> "sum_" + n.substring(3).toLowerCase(Locale.ROOT))
            .toList();
    assertEquals(components, MomentColumns.TERMS.stream().map(t -> t.column()).toList());
  }

  @Test
  void theAggregationSumsEachTermAndIsReadBackByName(SparkSession spark) {
    // Three units: (y, d, p, q) = (2, 1, 3, 1), (5, 2, null, null), (-1, 4, 0, 2); null counts
    // as no term.
    StructType schema = StructType.fromDDL("y DOUBLE, d DOUBLE, p DOUBLE, q DOUBLE");
    Dataset<Row> units =
        spark.createDataFrame(
            List.of(
                RowFactory.create(2.0, 1.0, 3.0, 1.0),
                RowFactory.create(5.0, 2.0, null, null),
                RowFactory.create(-1.0, 4.0, 0.0, 2.0)),
            schema);
    // Per unit, n = 1 and each term (as MetricStats makes them), then the sums.
    List<Column> terms = new ArrayList<>();
    terms.add(org.apache.spark.sql.functions.lit(1L).as(MomentColumns.N));
    for (MomentColumns.Term t : MomentColumns.TERMS) {
      terms.add(t.perUnit(r -> org.apache.spark.sql.functions.col(r)).as(t.column()));
    }
    List<Column> aggs = MomentColumns.sums();
    Dataset<Row> sums =
        units
            .select(terms.toArray(Column[]::new))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    // Hand sums: Σy = 6, Σy² = 4+25+1 = 30, Σd = 7, Σd² = 1+4+16 = 21, Σyd = 2+10-4 = 8,
    // Σp = 3, Σp² = 9, Σyp = 6 (the null p adds nothing); Σq = 3, Σq² = 1+4 = 5, Σpq = 3+0 = 3,
    // Σyq = 2-2 = 0, Σdp = 3+0 = 3, Σdq = 1+8 = 9.
    MetricMoments expected = new MetricMoments(3, 6, 30, 7, 21, 8, 3, 9, 6, 3, 5, 3, 0, 3, 9);
    assertEquals(expected, MomentColumns.read(sums.first()));
    // The same row with its columns in reverse order reads the same.
    List<String> names = new ArrayList<>(Arrays.asList(sums.columns()));
    java.util.Collections.reverse(names);
    Row reversed = sums.selectExpr(names.toArray(String[]::new)).first();
    assertEquals(expected, MomentColumns.read(reversed));
  }

  @Test
  void momentsAddAndViewTheirParts() {
    MetricMoments a = new MetricMoments(3, 6, 30, 7, 21, 8, 3, 9, 6);
    MetricMoments b = new MetricMoments(2, 1, 1, 2, 2, 1, 4, 8, 2);
    MetricMoments sum = a.plus(b);
    assertEquals(new MetricMoments(5, 7, 31, 9, 23, 9, 7, 17, 8), sum);
    assertEquals(new SampleMoments(5, 7, 31), sum.y());
    assertEquals(new SampleMoments(5, 7, 17), sum.pre());
    assertEquals(new BivariateMoments(5, 7, 31, 9, 23, 9), sum.yd());
    assertEquals(new BivariateMoments(5, 7, 31, 7, 17, 8), sum.yp());
    assertEquals(true, sum.finite());
    MetricMoments overflowed =
        new MetricMoments(2, 1e308, Double.POSITIVE_INFINITY, 0, 0, 0, 0, 0, 0);
    assertEquals(false, overflowed.finite());
    assertEquals(new MetricMoments(2, 0, 0, 0, 0, 0, 0, 0, 0), overflowed.countsOnly());
  }

  /** Every configured kind has its behaviour, and only one. */
  @Test
  void everyKindHasOneHome() {
    for (io.assay.config.MetricKind k : io.assay.config.MetricKind.values()) {
      assertEquals(k.name(), MetricKinds.of(k).name());
    }
    assertEquals(io.assay.config.MetricKind.values().length, MetricKinds.values().length);
  }
}
