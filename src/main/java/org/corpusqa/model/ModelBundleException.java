package org.corpusqa.model;

/** A model bundle that cannot be used; the message names the file and the fix. */
public final class ModelBundleException extends IllegalArgumentException {
  public ModelBundleException(String message) {
    super(message);
  }

  public ModelBundleException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first line of a library's message, for one-line errors (native engines add stack traces). */
  static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
