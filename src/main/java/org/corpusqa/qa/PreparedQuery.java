package org.corpusqa.qa;

/** A query checked against the engine's tokenizer and model, with its question tokenized and cut. */
public record PreparedQuery(Query query, TokenizedText question) {}
