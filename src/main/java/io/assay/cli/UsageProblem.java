package io.assay.cli;

/** A bad argument that picocli cannot detect (e.g. a malformed --attr); exits with code 2. */
public final class UsageProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageProblem(String message) {
    super(message);
  }
}
