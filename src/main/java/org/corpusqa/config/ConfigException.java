package org.corpusqa.config;

/** A configuration error found before any data is read; the message says how to fix it. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
