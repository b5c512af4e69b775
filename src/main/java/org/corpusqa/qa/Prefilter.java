package org.corpusqa.qa;

import java.io.Serializable;

/**
 * A query's lexical prefilter: of a document's windows, only the {@code topWindows} whose text
 * scores best against the question (BM25 over stemmed words without stop words) go to the model;
 * the others are skipped. A document where no window shares a word with the question keeps its
 * first {@code minWindows}. {@link #OFF} reads every window, as the pipeline does.
 *
 * @param topWindows windows per (document, question) sent to the model; 0 when off
 * @param minWindows windows kept, from the document's start, when fewer than this match lexically
 */
public record Prefilter(int topWindows, int minWindows) implements Serializable {
  public static final Prefilter OFF = new Prefilter(0, 0);
  public static final int MAX_TOP_WINDOWS = 10_000;
  /** When a query turns the prefilter on without saying how many: a clause rarely spans more than two windows. */
  public static final int DEFAULT_TOP_WINDOWS = 4;
  public static final int DEFAULT_MIN_WINDOWS = 1;

  public Prefilter {
    if (topWindows < 0 || topWindows > MAX_TOP_WINDOWS) {
      throw new IllegalArgumentException(String.format(
          "Cannot set prefilter top_windows: must be between 1 and %d, got: %d", MAX_TOP_WINDOWS, topWindows));
    }
    if (minWindows < 0 || minWindows > topWindows) {
      throw new IllegalArgumentException(String.format(
          "Cannot set prefilter min_windows: must be between 0 and top_windows (%d), got: %d", topWindows, minWindows));
    }
  }

  public boolean isOn() {
    return topWindows > 0;
  }

  /** As the query's identity sees it (part of {@code query_sha256} when on). */
  @Override
  public String toString() {
    return "prefilter{method=bm25, top_windows=" + topWindows + ", min_windows=" + minWindows + "}";
  }
}
