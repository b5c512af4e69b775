package org.corpusqa.qa;

/**
 * The answering of one question over one document: produces the document's windows one at a time,
 * as Hugging Face tokenizers cut overflowing windows (each starts {@code capacity - doc_stride}
 * tokens after the previous one; the last ends at the document's end), and gathers what the model
 * says about each. With the query's prefilter on, only the windows it picks are produced, in
 * document order; the others are never read.
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
  /** Extractive questions' answers; null for a classification query. */
  private final AnswerCollector collector;
  /** A classification query's label; null for an extractive question. */
  private final LabelAggregator labels;
  /** The windows to read, ascending; null for all of them. */
  private final int[] selected;
  /** Each window's lexical score when the prefilter scored them; null otherwise. */
  private final double[] lexicalScores;
  private int produced;
  private int decoded;
  private Failure failure;

  QuestionWork(
      Document document, TokenizedText context, Query query, TokenizedText question, PairTemplate template) {
    this(document, context, new PreparedQuery(query, question), template, null, java.util.List.of());
  }

  /**
   * @param template the window layout: the pair's, or for a classification query without a
   *     question the text alone's ({@link PairTemplate#ofSingle})
   * @param index the document's words for the prefilter; built on first use, shared by its questions
   * @param modelLabels a classification model's labels; empty for a question-answering model
   */
  QuestionWork(Document document, TokenizedText context, PreparedQuery prepared, PairTemplate template,
      java.util.function.Supplier<LexicalIndex> index, java.util.List<String> modelLabels) {
    Query query = prepared.query();
    TokenizedText question = prepared.question();
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
    Classification classification = query.classification();
    this.collector = classification == null ? new AnswerCollector(document, settings) : null;
    this.labels = classification == null ? null : new LabelAggregator(modelLabels, classification.aggregate(),
        classification.positiveLabel(), classification.threshold());
    Prefilter prefilter = query.prefilter();
    if (prefilter.isOn() && windowCount > prefilter.topWindows()) {
      int[] starts = new int[windowCount];
      int[] ends = new int[windowCount];
      for (int w = 0; w < windowCount; w++) {
        starts[w] = windowStartChar(w);
        ends[w] = windowEndChar(w);
      }
      LexicalIndex lexical = index != null ? index.get() : LexicalIndex.of(document.text());
      this.lexicalScores = lexical.scores(prepared.lexicalTerms(), starts, ends);
      this.selected = select(lexicalScores, prefilter);
    } else {
      this.lexicalScores = null;
      this.selected = null;
    }
  }

  /**
   * The best {@code topWindows} windows that share a word with the question (ties keep document
   * order), topped up from the document's start to {@code minWindows}; ascending.
   */
  static int[] select(double[] scores, Prefilter prefilter) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : a - b);
    java.util.BitSet chosen = new java.util.BitSet(scores.length);
    for (int i = 0; i < prefilter.topWindows() && scores[order[i]] > 0; i++) {
      chosen.set(order[i]);
    }
    for (int w = 0; w < scores.length && chosen.cardinality() < prefilter.minWindows(); w++) {
      chosen.set(w);
    }
    return chosen.stream().toArray();
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

  /** The document's windows for this question, read or not. */
  public int windowCount() {
    return windowCount;
  }

  /** The windows the model reads: all, or those the prefilter picked. */
  public int windowsToRead() {
    return selected == null ? windowCount : selected.length;
  }

  /** Whether the prefilter left window {@code index} out. */
  public boolean isSkipped(int index) {
    return selected != null && java.util.Arrays.binarySearch(selected, index) < 0;
  }

  /** Window {@code index}'s lexical score; NaN when the prefilter did not score this document. */
  public double lexicalScore(int index) {
    return lexicalScores == null ? Double.NaN : lexicalScores[index];
  }

  /** Window {@code index}'s first context token. */
  private int firstToken(int index) {
    return index * step;
  }

  /** Window {@code index}'s end token (exclusive): the last ends at the document's end. */
  private int endToken(int index) {
    return Math.min(firstToken(index) + capacity, context.size());
  }

  /** The character where window {@code index}'s text starts. */
  public int windowStartChar(int index) {
    return context.starts()[firstToken(index)];
  }

  /** The character where window {@code index}'s text ends (exclusive). */
  public int windowEndChar(int index) {
    return context.ends()[endToken(index) - 1];
  }

  boolean hasMoreWindows() {
    return produced < windowsToRead();
  }

  Window nextWindow() {
    int index = selected == null ? produced : selected[produced];
    produced++;
    return new Window(this, index, firstToken(index), endToken(index));
  }

  void accept(Window window, WindowDecoding decoding) {
    if (failure == null) {
      collector.add(window, decoding, context);
    }
    decoded++;
  }

  /** A classification window's logits: {@code count} label logits from {@code from}. */
  void acceptLabels(Window window, float[] logits, int from) {
    if (failure == null) {
      labels.add(window.index(), logits, from);
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
    return decoded == windowsToRead();
  }

  QaResult finish() {
    if (failure != null) {
      return QaResult.failed(document, query, windowsToRead(), windowCount, failure);
    }
    if (labels != null) {
      LabelAggregator.Decision decision = labels.decide();
      if (decision != null) {
        int evidence = decision.evidenceWindow();
        decision = decision.withEvidenceChars(windowStartChar(evidence), windowEndChar(evidence));
      }
      return QaResult.labelled(document, query, decision, windowsToRead(), windowCount);
    }
    if (windowCount > 0 && windowsToRead() == 0) {
      return new QaResult(document, query, java.util.List.of(Answer.none(1, null, NoAnswerReason.NO_LEXICAL_MATCH)),
          1.0, 0, windowCount, null);
    }
    return collector.finish(query).withWindowsTotal(windowCount);
  }
}
