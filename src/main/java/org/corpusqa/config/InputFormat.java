package org.corpusqa.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Corpus file formats that {@code run --input-format} accepts, and the one a file's name says it
 * has, which is the format when the option is not given.
 */
public enum InputFormat {
  PARQUET,
  JSON,
  CSV,
  ORC;

  /** Suffixes of the compression codecs Hadoop reads text files through. */
  private static final String[] COMPRESSIONS = {".gz", ".bz2", ".deflate", ".zst", ".lz4", ".snappy", ".xz"};

  /**
   * The format a file name says, ignoring case and a compression suffix: {@code .parquet},
   * {@code .json} / {@code .jsonl} / {@code .ndjson}, {@code .csv}, {@code .orc}; empty for
   * anything else ({@code part-00000}, say).
   */
  public static Optional<InputFormat> ofFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String compression : COMPRESSIONS) {
      if (lower.endsWith(compression)) {
        lower = lower.substring(0, lower.length() - compression.length());
        break;
      }
    }
    if (lower.endsWith(".parquet")) {
      return Optional.of(PARQUET);
    }
    if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return Optional.of(JSON);
    }
    if (lower.endsWith(".csv")) {
      return Optional.of(CSV);
    }
    return lower.endsWith(".orc") ? Optional.of(ORC) : Optional.empty();
  }

  public String sparkName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** As users write it, which is how picocli lists the choices in {@code --help}. */
  @Override
  public String toString() {
    return sparkName();
  }
}
