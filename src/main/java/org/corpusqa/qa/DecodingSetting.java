package org.corpusqa.qa;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The decoding settings a queries file may set, by their Hugging Face pipeline names, with the
 * range each accepts.
 */
public enum DecodingSetting {
  MAX_SEQ_LEN(8, 8192),
  DOC_STRIDE(0, 8192),
  MAX_QUESTION_LEN(1, 1024),
  MAX_ANSWER_LEN(1, 100_000),
  TOP_K(1, 100),
  HANDLE_IMPOSSIBLE_ANSWER,
  ALIGN_TO_WORDS;

  private final boolean flag;
  private final int min;
  private final int max;

  DecodingSetting(int min, int max) {
    this.flag = false;
    this.min = min;
    this.max = max;
  }

  DecodingSetting() {
    this.flag = true;
    this.min = 0;
    this.max = 0;
  }

  /** The name in queries files and on the command line, e.g. {@code max_answer_len}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFlag() {
    return flag;
  }

  public int min() {
    return min;
  }

  public int max() {
    return max;
  }

  public static Optional<DecodingSetting> fromKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst();
  }

  public static String allKeys() {
    return Arrays.stream(values()).map(DecodingSetting::key).collect(Collectors.joining(", "));
  }

  /** Checks an integer setting's range; the message names the setting and the bad value. */
  public int checkRange(int value) {
    if (flag) {
      throw new IllegalStateException(key() + " is a flag, not a number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          String.format("Cannot set %s: must be between %d and %d, got: %d", key(), min, max, value));
    }
    return value;
  }
}
