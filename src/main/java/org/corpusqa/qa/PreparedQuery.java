package org.corpusqa.qa;

import java.util.List;

/**
 * A query checked against the engine's tokenizer and model, with its question tokenized and cut,
 * and, when its prefilter is on, the question's words as the lexical prefilter scores them.
 */
public record PreparedQuery(Query query, TokenizedText question, List<String> lexicalTerms) {
  public PreparedQuery {
    lexicalTerms = List.copyOf(lexicalTerms);
  }

  public PreparedQuery(Query query, TokenizedText question) {
    this(query, question, query.prefilter().isOn() ? LexicalIndex.terms(query.question()) : List.of());
  }
}
