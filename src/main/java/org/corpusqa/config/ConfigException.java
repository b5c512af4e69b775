package org.corpusqa.config;

/** A configuration error found before any data is read; the message says how to fix it. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The first line of a library's message, as one-line errors quote it: Spark, Hadoop and native
   * libraries add plans, SQL excerpts and stack traces after it.
   */
  public static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    String stripped = message.strip();
    int newline = stripped.indexOf('\n');
    return newline < 0 ? stripped : stripped.substring(0, newline);
  }
}
