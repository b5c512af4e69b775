package org.corpusqa.qa;

import java.util.List;

/** A document with the questions to ask of it: how evaluation data comes (each paragraph has its own). */
public record DocumentQuestions(Document document, List<Query> queries) {}
