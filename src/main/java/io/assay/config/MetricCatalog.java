package io.assay.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The metric catalog: named sources and the metrics defined over them. */
public record MetricCatalog(
    Map<String, MetricSource> sources, Map<String, MetricDefinition> metrics) {
  public MetricCatalog {
    sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  public Optional<MetricDefinition> metric(String name) {
    return Optional.ofNullable(metrics.get(name));
  }

  public Collection<MetricDefinition> all() {
    return metrics.values();
  }
}
