package org.corpusqa.qa;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the candidate spans of a document's windows become its ranked answers ({@code pooling} in a
 * queries file).
 */
public enum AnswerPooling {
  /**
   * The Hugging Face question-answering pipeline's rule (transformers 4.54 to 5.2): each window
   * offers {@code 2 * top_k + 10} spans ({@code top_k} without {@code align_to_words}), and spans
   * whose text is equal ignoring case are one answer whose score is the sum of theirs, at the
   * position where it was first seen (windows in document order, each window's spans best first).
   * Scores can exceed 1; a phrase repeated in a document is reported at its first occurrence.
   */
  TEXT,
  /**
   * corpus-qa's earlier rule: each window offers {@code top_k} spans, and every distinct character
   * span is one answer with its best score over the windows. Scores stay probabilities, and each
   * occurrence of a repeated phrase keeps its own position: for analysts who want places, not
   * phrases.
   */
  SPAN;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AnswerPooling> fromKey(String key) {
    return Arrays.stream(values()).filter(p -> p.key().equals(key)).findFirst();
  }

  public static String allKeys() {
    return Arrays.stream(values()).map(AnswerPooling::key).collect(Collectors.joining(", "));
  }

  /** How many spans one window offers to the pool. */
  int candidatesPerWindow(int topK, boolean alignToWords) {
    // The pipeline asks for more when aligning to words, since widening merges some of them.
    return this == TEXT && alignToWords ? 2 * topK + 10 : topK;
  }
}
