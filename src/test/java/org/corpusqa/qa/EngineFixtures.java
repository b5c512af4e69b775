package org.corpusqa.qa;

import java.util.ArrayList;
import java.util.List;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.TestModels;

/** The tiny models' tokenizer and helpers to run the engine in tests. */
final class EngineFixtures {
  static final QaModel TINY_BERT = TestModels.load(TestModels.TINY_BERT);

  private EngineFixtures() {}

  static QaTokenizer tokenizer() {
    return TINY_BERT.tokenizer();
  }

  static Query query(String id, String question, DecodingSettings settings) {
    return new Query(id, question, settings);
  }

  static List<QaResult> answer(List<Query> queries, List<Document> docs, ForwardPass model) {
    return answer(queries, docs, model, EngineOptions.DEFAULTS);
  }

  static List<QaResult> answer(
      List<Query> queries, List<Document> docs, ForwardPass model, EngineOptions options) {
    QaEngine engine = new QaEngine(tokenizer(), 384, options);
    List<QaResult> results = new ArrayList<>();
    engine.answer(docs.iterator(), engine.prepare(queries), model, WindowObserver.NONE)
        .forEachRemaining(results::add);
    return results;
  }

  /** Russian contract-like filler of about {@code chars} characters. */
  static String longText(int chars) {
    String sentence =
        "Поставщик обязуется поставить товар в срок, а заказчик обязуется принять и оплатить его. ";
    StringBuilder sb = new StringBuilder(chars + sentence.length());
    int n = 0;
    while (sb.length() < chars) {
      sb.append(n++).append(". ").append(sentence);
    }
    return sb.toString();
  }
}
