package io.assay.io;

/**
 * An input cannot be used as it is (missing path, missing column, unreadable file). The message
 * names the path, the field and what to do; the command exits 1.
 */
public final class InputProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputProblem(String path, String message) {
    super(path + ": " + message);
  }
}
