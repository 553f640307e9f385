package io.assay.config;

/**
 * The half-open slice {@code [start, end)} of a namespace that an experiment owns. Experiments
 * whose slices of one namespace do not overlap never share a unit.
 */
public record NamespaceRange(String namespace, double start, double end) {
  public boolean overlaps(NamespaceRange o) {
    return namespace.equals(o.namespace) && start < o.end && o.start < end;
  }
}
