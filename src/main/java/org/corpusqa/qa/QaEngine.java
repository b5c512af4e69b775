package org.corpusqa.qa;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Answers a fixed list of questions over a stream of documents. Holds what every document shares
 * (the tokenizer, the tokenized questions); each call to {@link #answer} gets its own stream, so one
 * engine serves all tasks of a JVM. Knows nothing of Spark.
 */
public final class QaEngine {
  private final QaTokenizer tokenizer;
  private final List<Query> queries;
  private final List<TokenizedText> questions;
  private final EngineOptions options;

  /**
   * @param modelMaxSeqLen the longest window the model takes
   * @throws IllegalArgumentException when a query's settings cannot work with this tokenizer and
   *     model; the message names the query and the fix
   */
  public QaEngine(QaTokenizer tokenizer, List<Query> queries, int modelMaxSeqLen, EngineOptions options) {
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("Cannot answer: no queries given");
    }
    this.tokenizer = tokenizer;
    this.queries = List.copyOf(queries);
    this.options = options;
    this.questions = new ArrayList<>(queries.size());
    int specials = tokenizer.template().specialTokenCount();
    for (Query query : queries) {
      DecodingSettings s = query.settings();
      if (s.maxSeqLen() > modelMaxSeqLen) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot use query '%s': max_seq_len %d exceeds the model's max_seq_len %d; set"
                    + " max_seq_len to at most %d",
                query.id(), s.maxSeqLen(), modelMaxSeqLen, modelMaxSeqLen));
      }
      TokenizedText question = tokenizer.tokenize(query.question()).head(s.maxQuestionLen());
      if (question.size() == 0) {
        throw new IllegalArgumentException(
            String.format("Cannot use query '%s': its question has no tokens", query.id()));
      }
      int room = s.maxSeqLen() - specials - question.size();
      if (room <= s.docStride()) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot use query '%s': doc_stride %d must be less than the room for context in a"
                    + " window, max_seq_len %d - question %d tokens - %d special tokens = %d;"
                    + " lower doc_stride or raise max_seq_len",
                query.id(), s.docStride(), s.maxSeqLen(), question.size(), specials, room));
      }
      questions.add(question);
    }
  }

  public List<Query> queries() {
    return queries;
  }

  public QaTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * Streams the answers to every query for every document. Documents are pulled as windows are
   * needed and results come out as soon as all windows of a (document, question) are decoded, so
   * memory stays bounded by the lookahead whatever the number or length of documents.
   */
  public AnswerStream answer(Iterator<Document> documents, ForwardPass model, WindowObserver observer) {
    return new AnswerStream(this, documents, model, observer);
  }

  List<QuestionWork> expand(Document document, TokenizedText context) {
    List<QuestionWork> work = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      work.add(new QuestionWork(document, context, queries.get(i), questions.get(i), tokenizer.template()));
    }
    return work;
  }

  EngineOptions options() {
    return options;
  }
}
