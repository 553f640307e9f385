package io.assay.stats.json;

import java.util.List;

/**
 * A stats request that cannot be analysed; each problem names its field, e.g. {@code arms[1].n}.
 */
public final class InvalidRequestException extends Exception {
  private final List<String> problems;

  public InvalidRequestException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in document order: {@code field: what is wrong}. */
  public List<String> problems() {
    return problems;
  }
}
