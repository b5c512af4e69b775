package org.corpusqa.qa;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Answers questions over streams of documents, or labels them with a classification model. Holds
 * only what every stream shares (the tokenizer, the model's window size and labels, the batching
 * options), so one engine serves all tasks of a JVM. Knows nothing of Spark.
 */
public final class QaEngine {
  private final QaTokenizer tokenizer;
  private final int modelMaxSeqLen;
  private final EngineOptions options;
  /** A classification model's labels; empty for a question-answering model. */
  private final List<String> labels;

  /** An engine for a question-answering model. @param modelMaxSeqLen the longest window the model takes */
  public QaEngine(QaTokenizer tokenizer, int modelMaxSeqLen, EngineOptions options) {
    this(tokenizer, modelMaxSeqLen, options, List.of());
  }

  /** An engine for a classification model with these labels (empty: a question-answering model). */
  public QaEngine(QaTokenizer tokenizer, int modelMaxSeqLen, EngineOptions options, List<String> labels) {
    this.tokenizer = tokenizer;
    this.modelMaxSeqLen = modelMaxSeqLen;
    this.options = options;
    this.labels = List.copyOf(labels);
  }

  /** The classification model's labels; empty for a question-answering model. */
  public List<String> labels() {
    return labels;
  }

  public QaTokenizer tokenizer() {
    return tokenizer;
  }

  EngineOptions options() {
    return options;
  }

  /**
   * Checks settings that will be used with questions not known yet (evaluation data): they must
   * leave room for context beside a question of {@code max_question_len} tokens when it is set, and
   * beside a one-token question otherwise (each question is then checked on its own, {@link
   * #prepare}).
   *
   * @throws IllegalArgumentException naming the setting to change
   */
  public void checkSettings(String what, DecodingSettings settings) {
    Integer cut = questionCut(settings);
    checkWindow(what, settings, cut == null ? 1 : cut, tokenizer.template());
  }

  /**
   * Checks a query against this tokenizer and model and tokenizes its question.
   *
   * @throws IllegalArgumentException when its settings cannot work; the message names the query
   */
  public PreparedQuery prepare(Query query) {
    if (query.isClassification() == labels.isEmpty()) {
      // The job gives each query the model of its kind; this is a backstop.
      throw new IllegalArgumentException(String.format("Cannot use query '%s': it %s, and this model %s", query.id(),
          query.isClassification() ? "asks for a label" : "asks for an answer",
          labels.isEmpty() ? "answers questions" : "gives labels " + labels));
    }
    if (query.isClassification() && query.classification().positiveLabel() != null
        && !labels.contains(query.classification().positiveLabel())) {
      throw new IllegalArgumentException(String.format("Cannot use query '%s': its positive_label '%s' is not one of"
          + " the model's labels %s; name one of them", query.id(), query.classification().positiveLabel(), labels));
    }
    DecodingSettings s = query.settings();
    TokenizedText question = tokenizer.tokenize(query.question());
    Integer cut = questionCut(s);
    if (cut != null) {
      question = question.head(cut);
    }
    if (question.size() == 0 && !(query.isClassification() && query.question().isEmpty())) {
      throw new IllegalArgumentException(
          String.format("Cannot use query '%s': its question has no tokens", query.id()));
    }
    PairTemplate template = templateOf(question);
    checkWindow("query '" + query.id() + "'", s, Math.min(1, question.size()), template);
    checkQuestionRoom(query, question.size(), template);
    return new PreparedQuery(query, question);
  }

  /**
   * A window must hold the whole question and more than {@code doc_stride} tokens of context, as the
   * tokenizer that cuts overflowing windows requires; the pipeline fails on such a question too.
   */
  private void checkQuestionRoom(Query query, int questionTokens, PairTemplate template) {
    DecodingSettings s = query.settings();
    int specials = template.specialTokenCount();
    int room = s.maxSeqLen() - specials - questionTokens;
    if (room <= s.docStride()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use query '%s': its question is %d tokens, which leaves %d tokens of context in a"
                  + " window of max_seq_len %d (%d special tokens), and a window needs more than doc_stride %d;"
                  + " shorten the question, raise max_seq_len (the model takes up to %d), lower doc_stride,"
                  + " or set max_question_len to cut the question",
              query.id(), questionTokens, Math.max(room, 0), s.maxSeqLen(), specials, s.docStride(),
              modelMaxSeqLen));
    }
  }

  /**
   * The longest question in tokens, or null for no limit. The question-answering pipeline never
   * cuts a question with a fast tokenizer (its max_question_len reaches only the slow-tokenizer
   * path), so an extractive question is cut only where the query sets max_question_len; a
   * classifier's first text (a yes/no question, a GLUE pair's first sentence) is cut to {@link
   * DecodingSettings#CLASSIFIER_MAX_QUESTION_LEN} unless the query says otherwise, as corpus-qa
   * always has.
   */
  private Integer questionCut(DecodingSettings s) {
    if (s.maxQuestionLen() != null) {
      return s.maxQuestionLen();
    }
    return labels.isEmpty() ? null : DecodingSettings.CLASSIFIER_MAX_QUESTION_LEN;
  }

  /** A pair's layout, or the text alone's for a classification query without a question. */
  private PairTemplate templateOf(TokenizedText question) {
    return question.size() == 0 && !labels.isEmpty()
        ? PairTemplate.ofSingle(tokenizer.singleTemplate()) : tokenizer.template();
  }

  public List<PreparedQuery> prepare(List<Query> queries) {
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("Cannot answer: no queries given");
    }
    List<PreparedQuery> prepared = new ArrayList<>(queries.size());
    for (Query query : queries) {
      prepared.add(prepare(query));
    }
    return List.copyOf(prepared);
  }

  private void checkWindow(String what, DecodingSettings s, int questionTokens, PairTemplate template) {
    if (s.maxSeqLen() > modelMaxSeqLen) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use %s: max_seq_len %d exceeds the model's max_seq_len %d; set max_seq_len to"
                  + " at most %d",
              what, s.maxSeqLen(), modelMaxSeqLen, modelMaxSeqLen));
    }
    int specials = template.specialTokenCount();
    int room = s.maxSeqLen() - specials - questionTokens;
    if (room <= s.docStride()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use %s: doc_stride %d must be less than the room for context in a window,"
                  + " max_seq_len %d - question %d tokens - %d special tokens = %d; lower doc_stride"
                  + " or raise max_seq_len",
              what, s.docStride(), s.maxSeqLen(), questionTokens, specials, room));
    }
  }

  /**
   * Streams the answers to the same queries for every document. Documents are pulled as windows
   * are needed and results come out as soon as all windows of a (document, question) are decoded,
   * so memory stays bounded by the lookahead whatever the number or length of documents.
   */
  public AnswerStream answer(
      Iterator<Document> documents, List<PreparedQuery> queries, ForwardPass model, WindowObserver observer) {
    return new AnswerStream(this, new MappedIterator<>(documents, d -> new Request(d, queries)), model, observer);
  }

  /** Streams the answers to each document's own questions, all with their own settings. */
  public AnswerStream answerEach(
      Iterator<DocumentQuestions> documents, ForwardPass model, WindowObserver observer) {
    return new AnswerStream(
        this, new MappedIterator<>(documents, d -> new Request(d.document(), d.queries())), model, observer);
  }

  /**
   * The windows of a document that the model reads for each question, without running it: what
   * {@code evaluate} measures a prefilter by. The document is tokenized once for all questions.
   */
  public List<WindowPlan> plan(Document document, List<PreparedQuery> queries) {
    TokenizedText context = tokenizer.tokenize(document.text());
    List<WindowPlan> plans = new ArrayList<>(queries.size());
    for (QuestionWork work : expand(new Request(document, queries), context)) {
      int[] starts = new int[work.windowsToRead()];
      int[] ends = new int[work.windowsToRead()];
      for (int w = 0, read = 0; w < work.windowCount(); w++) {
        if (!work.isSkipped(w)) {
          starts[read] = work.windowStartChar(w);
          ends[read++] = work.windowEndChar(w);
        }
      }
      plans.add(new WindowPlan(work.windowCount(), starts, ends));
    }
    return plans;
  }

  /** The character ranges of the windows read for one question, and how many windows there were. */
  public record WindowPlan(int total, int[] readStarts, int[] readEnds) {
    public int read() {
      return readStarts.length;
    }

    /** Whether [start, end) lies entirely inside one window that is read. */
    public boolean covers(int start, int end) {
      for (int w = 0; w < readStarts.length; w++) {
        if (readStarts[w] <= start && end <= readEnds[w]) {
          return true;
        }
      }
      return false;
    }
  }

  /** A document and its prepared questions, as the stream consumes them. */
  record Request(Document document, List<PreparedQuery> queries) {}

  List<QuestionWork> expand(Request request, TokenizedText context) {
    List<QuestionWork> work = new ArrayList<>(request.queries().size());
    // The document's words are analysed once, when the first question whose prefilter needs them asks.
    LexicalIndex[] index = new LexicalIndex[1];
    java.util.function.Supplier<LexicalIndex> lexical = () -> {
      if (index[0] == null) {
        index[0] = LexicalIndex.of(request.document().text());
      }
      return index[0];
    };
    for (PreparedQuery q : request.queries()) {
      work.add(new QuestionWork(request.document(), context, q, templateOf(q.question()), lexical, labels));
    }
    return work;
  }
}
