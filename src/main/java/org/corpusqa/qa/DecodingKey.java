package org.corpusqa.qa;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The decoding settings a queries file may set, by their Hugging Face pipeline names, with the
 * range each accepts.
 */
public enum DecodingKey {
  MAX_SEQ_LEN(8, 8192),
  DOC_STRIDE(0, 8192),
  MAX_QUESTION_LEN(1, 1024),
  MAX_ANSWER_LEN(1, 100_000),
  TOP_K(1, 100),
  HANDLE_IMPOSSIBLE_ANSWER(Kind.FLAG),
  ALIGN_TO_WORDS(Kind.FLAG),
  /** No-answer probability above which answers become "no answer": an evaluation's best_f1_thresh. */
  NULL_THRESHOLD(Kind.PROBABILITY),
  /** How windows' spans become answers: {@code text} (the pipeline's) or {@code span}. */
  POOLING(Kind.CHOICE);

  /** The type of value a setting takes. */
  public enum Kind {
    INTEGER,
    FLAG,
    PROBABILITY,
    /** One of a fixed set of names ({@link AnswerPooling}). */
    CHOICE
  }

  private final Kind kind;
  private final int min;
  private final int max;

  DecodingKey(int min, int max) {
    this.kind = Kind.INTEGER;
    this.min = min;
    this.max = max;
  }

  DecodingKey(Kind kind) {
    this.kind = kind;
    this.min = 0;
    this.max = 0;
  }

  public Kind kind() {
    return kind;
  }

  /** The name in queries files and on the command line, e.g. {@code max_answer_len}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }


  public int min() {
    return min;
  }

  public int max() {
    return max;
  }

  public static Optional<DecodingKey> fromKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst();
  }

  public static String allKeys() {
    return Arrays.stream(values()).map(DecodingKey::key).collect(Collectors.joining(", "));
  }

  /** Checks a probability setting: between 0 and 1. */
  public double checkProbability(double value) {
    if (kind != Kind.PROBABILITY) {
      throw new IllegalStateException(key() + " is not a probability");
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          String.format("Cannot set %s: must be a probability between 0 and 1, got: %s", key(), value));
    }
    return value;
  }

  /** Checks an integer setting's range; the message names the setting and the bad value. */
  public int checkRange(int value) {
    if (kind != Kind.INTEGER) {
      throw new IllegalStateException(key() + " is not an integer setting");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          String.format("Cannot set %s: must be between %d and %d, got: %d", key(), min, max, value));
    }
    return value;
  }
}
