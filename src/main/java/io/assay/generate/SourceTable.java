package io.assay.generate;

import io.assay.config.Conf;
import io.assay.config.MetricSource;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where and how the generator writes an event channel's metric source: the location, format and
 * column names of the catalog source of the same name ({@code orders}, {@code sessions}, …), with
 * the location taken relative to {@code data.root} and placed under the world's directory. A
 * channel the catalog does not name is written as Parquet under its own name.
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
    Path root = conf.assay().dataRoot().toAbsolutePath().normalize();
    Path p = s.get().path().toAbsolutePath().normalize();
    String relative =
        p.startsWith(root) ? root.relativize(p).toString() : p.getFileName().toString();
    return new SourceTable(
        c, relative, s.get().format(), s.get().unitColumn(), s.get().timeColumn());
  }

  public boolean delta() {
    return format.equals("delta");
  }
}
