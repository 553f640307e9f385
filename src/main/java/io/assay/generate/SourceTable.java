package io.assay.generate;

import io.assay.config.Conf;
import io.assay.config.Location;
import io.assay.config.MetricSource;
import io.assay.config.Source;
import java.util.Optional;

/**
 * Where and how the generator writes an event channel's metric source: the location, format and
 * column names of the catalog source of the same name ({@code orders}, {@code sessions}, …), with
 * the location taken relative to {@code data.root} and placed under the world's directory. A
 * channel the catalog does not name is written as Parquet under its own name; one whose source is a
 * catalog table or a query (which the generator cannot write) as Delta under its own name, with the
 * source's column names, for the user to register or query.
 *
 * @param path relative to the world's directory
 * @param format {@code delta} or {@code parquet}
 */
public record SourceTable(
    Channel channel, String path, String format, String unitColumn, String timeColumn) {

  public static SourceTable of(Channel c, Conf conf) {
    Optional<MetricSource> s = Optional.ofNullable(conf.catalog().sources().get(c.code()));
    if (s.isEmpty()) {
      return new SourceTable(c, c.code(), "parquet", MetricEvents.UNIT_ID, MetricEvents.TS);
    }
    if (!(s.get().source() instanceof Source.Files f)) {
      return new SourceTable(c, c.code(), "delta", s.get().unitColumn(), s.get().timeColumn());
    }
    return new SourceTable(
        c,
        underDataRoot(conf, f.location()),
        f.format(),
        s.get().unitColumn(),
        s.get().timeColumn());
  }

  /**
   * A configured path relative to {@code data.root} (its file name when it lies elsewhere): where
   * the generator writes it under the world's directory, so a conf whose {@code data.root} is the
   * world finds it.
   */
  public static String underDataRoot(Conf conf, Location configured) {
    String root = conf.assay().dataRoot().uri();
    String p = configured.uri();
    return p.startsWith(root + "/") ? p.substring(root.length() + 1) : configured.name();
  }

  public boolean delta() {
    return format.equals("delta");
  }
}
