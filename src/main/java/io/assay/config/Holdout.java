package io.assay.config;

/**
 * A holdout declared in {@code assay.yaml}: units whose position under {@code salt} falls in {@code
 * [start, end)} are kept out of every experiment that opts in.
 */
public record Holdout(String name, String salt, double start, double end) {
  public boolean contains(double position) {
    return position >= start && position < end;
  }
}
