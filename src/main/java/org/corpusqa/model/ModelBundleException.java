package org.corpusqa.model;

/** A model bundle that cannot be used; the message names the file and the fix. */
public final class ModelBundleException extends IllegalArgumentException {
  public ModelBundleException(String message) {
    super(message);
  }

  public ModelBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
