package org.corpusqa.qa;

/**
 * The answering of one question over one document: produces the document's windows one at a time,
 * as Hugging Face tokenizers cut overflowing windows (each starts {@code capacity - doc_stride}
 * tokens after the previous one; the last ends at the document's end), and gathers what the model
 * says about each.
 */
public final class QuestionWork {
  private final Document document;
  private final TokenizedText context;
  private final Query query;
  private final TokenizedText question;
  private final PairTemplate template;
  private final int capacity;
  private final int step;
  private final int windowCount;
  private final AnswerCollector collector;
  private int produced;
  private int decoded;
  private Failure failure;

  QuestionWork(
      Document document, TokenizedText context, Query query, TokenizedText question, PairTemplate template) {
    this.document = document;
    this.context = context;
    this.query = query;
    this.question = question;
    this.template = template;
    DecodingSettings settings = query.settings();
    this.capacity = settings.maxSeqLen() - template.specialTokenCount() - question.size();
    if (capacity <= settings.docStride()) {
      // Settings are checked against the tokenizer before any document is read; this is a backstop.
      throw new IllegalArgumentException(
          String.format(
              "Cannot cut windows for query '%s': doc_stride %d must be less than the room left"
                  + " for context, max_seq_len %d - question %d tokens - %d special tokens = %d",
              query.id(), settings.docStride(), settings.maxSeqLen(), question.size(),
              template.specialTokenCount(), capacity));
    }
    this.step = capacity - settings.docStride();
    int n = context.size();
    this.windowCount = n == 0 ? 0 : n <= capacity ? 1 : 1 + ceilDiv(n - capacity, step);
    this.collector = new AnswerCollector(document, settings);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  public Document document() {
    return document;
  }

  public Query query() {
    return query;
  }

  public TokenizedText context() {
    return context;
  }

  public TokenizedText question() {
    return question;
  }

  PairTemplate template() {
    return template;
  }

  public int windowCount() {
    return windowCount;
  }

  boolean hasMoreWindows() {
    return produced < windowCount;
  }

  Window nextWindow() {
    int from = produced * step;
    int to = Math.min(from + capacity, context.size());
    return new Window(this, produced++, from, to);
  }

  void accept(Window window, WindowDecoding decoding) {
    if (failure == null) {
      collector.add(window, decoding, context);
    }
    decoded++;
  }

  /** Records that the model failed on one of this work's windows; its other windows still count. */
  void fail(Failure failure) {
    if (this.failure == null) {
      this.failure = failure;
    }
    decoded++;
  }

  boolean isComplete() {
    return decoded == windowCount;
  }

  QaResult finish() {
    if (failure != null) {
      return QaResult.failed(document, query, windowCount, failure);
    }
    return collector.finish(query);
  }
}
