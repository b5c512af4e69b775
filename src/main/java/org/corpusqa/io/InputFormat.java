package org.corpusqa.io;

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
}
