package org.corpusqa.qa;

/**
 * Why a (document, question) could not be answered: the tokenizer or the model failed on it. The
 * detail never holds document text.
 */
public record Failure(Kind kind, String errorClass, String detail) {
  /** What failed. */
  public enum Kind {
    TOKENIZATION_FAILED,
    MODEL_FAILED
  }

  private static final int MAX_DETAIL = 300;

  static Failure of(Kind kind, Throwable error, String context) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String detail = context;
    // Tokenizer messages may quote their input; model errors speak of shapes and operators.
    if (kind == Kind.MODEL_FAILED && root.getMessage() != null) {
      String message = root.getMessage().strip();
      int newline = message.indexOf('\n');
      detail += ": " + (newline > 0 ? message.substring(0, newline) : message);
    }
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL);
    }
    return new Failure(kind, root.getClass().getName(), detail);
  }
}
