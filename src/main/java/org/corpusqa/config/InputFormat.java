package org.corpusqa.config;

import java.util.Locale;

/** Corpus file formats that {@code run --input-format} accepts. */
public enum InputFormat {
  PARQUET,
  JSON,
  CSV,
  ORC;

  public String sparkName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** As users write it, which is how picocli lists the choices in {@code --help}. */
  @Override
  public String toString() {
    return sparkName();
  }
}
