package org.corpusqa.qa;

/**
 * One model input: the question and the context tokens {@code [contextFrom, contextTo)} of a
 * document, laid out by the tokenizer's {@link PairTemplate}. Its token arrays are written straight
 * into a batch's buffers, so a window costs no arrays of its own.
 */
public final class Window {
  private final QuestionWork work;
  private final int index;
  private final int contextFrom;
  private final int contextTo;

  Window(QuestionWork work, int index, int contextFrom, int contextTo) {
    this.work = work;
    this.index = index;
    this.contextFrom = contextFrom;
    this.contextTo = contextTo;
  }

  public QuestionWork work() {
    return work;
  }

  /** Position of this window among its (document, question)'s windows, from 0. */
  public int index() {
    return index;
  }

  /** First context token of the document in this window. */
  public int contextFrom() {
    return contextFrom;
  }

  /** One past the last context token of the document in this window. */
  public int contextTo() {
    return contextTo;
  }

  /** Position of the first context token inside the window. */
  public int contextStart() {
    PairTemplate t = work.template();
    return t.prefixIds().length + work.question().size() + t.middleIds().length;
  }

  public int length() {
    return contextStart() + (contextTo - contextFrom) + work.template().suffixIds().length;
  }

  /** Writes input ids and token type ids at {@code offset}; the caller pads the rest of the row. */
  void write(long[] ids, long[] types, int offset) {
    PairTemplate t = work.template();
    int[] question = work.question().ids();
    int[] context = work.context().ids();
    int p = offset;
    for (int i = 0; i < t.prefixIds().length; i++, p++) {
      ids[p] = t.prefixIds()[i];
      types[p] = t.prefixTypes()[i];
    }
    for (int id : question) {
      ids[p] = id;
      types[p++] = t.questionType();
    }
    for (int i = 0; i < t.middleIds().length; i++, p++) {
      ids[p] = t.middleIds()[i];
      types[p] = t.middleTypes()[i];
    }
    for (int i = contextFrom; i < contextTo; i++) {
      ids[p] = context[i];
      types[p++] = t.contextType();
    }
    for (int i = 0; i < t.suffixIds().length; i++, p++) {
      ids[p] = t.suffixIds()[i];
      types[p] = t.suffixTypes()[i];
    }
  }

  /** Per token: 0 for the question, 1 for the context, -1 for special tokens (null in JSON). */
  public int[] sequenceIds() {
    int[] seq = new int[length()];
    java.util.Arrays.fill(seq, -1);
    int q = work.template().prefixIds().length;
    java.util.Arrays.fill(seq, q, q + work.question().size(), 0);
    java.util.Arrays.fill(seq, contextStart(), contextStart() + contextTo - contextFrom, 1);
    return seq;
  }

  /** Per token: the word index within its sequence, -1 for special tokens. */
  public int[] wordIds() {
    int[] words = new int[length()];
    java.util.Arrays.fill(words, -1);
    int q = work.template().prefixIds().length;
    System.arraycopy(work.question().wordIds(), 0, words, q, work.question().size());
    System.arraycopy(
        work.context().wordIds(), contextFrom, words, contextStart(), contextTo - contextFrom);
    return words;
  }
}
