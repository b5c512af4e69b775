package org.corpusqa.qa;

/**
 * A text's tokens without special tokens: ids, character offsets into the text (Java {@code String}
 * indices, so that {@code text.substring(start, end)} is the token's text even with surrogate pairs)
 * and the index of the word each token belongs to.
 */
public record TokenizedText(int[] ids, int[] starts, int[] ends, int[] wordIds) {
  public int size() {
    return ids.length;
  }

  /** The first {@code n} tokens; used to cut a question to {@code max_question_len}. */
  public TokenizedText head(int n) {
    if (n >= ids.length) {
      return this;
    }
    return new TokenizedText(
        java.util.Arrays.copyOf(ids, n),
        java.util.Arrays.copyOf(starts, n),
        java.util.Arrays.copyOf(ends, n),
        java.util.Arrays.copyOf(wordIds, n));
  }
}
