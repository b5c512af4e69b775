package org.corpusqa.config;

/** How {@code run} treats documents it has answered before. */
public enum RunMode {
  /** Skip (document, question) pairs already answered with the same model and the same text. */
  INCREMENTAL,
  /** Answer everything read, replacing earlier answers of the same model. */
  FULL;

  /** As users write it, which is how picocli lists the choices in {@code --help}. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
