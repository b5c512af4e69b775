package org.corpusqa.qa;

import java.util.List;

/**
 * A document with the questions to ask of it: how evaluation data comes (each paragraph has its
 * own), and incremental runs (each document its questions not answered yet). The questions come
 * prepared, so that a caller asking the same few questions of every document prepares them once.
 */
public record DocumentQuestions(Document document, List<PreparedQuery> queries) {}
