package org.corpusqa.qa;

/** A document to answer questions over; {@code text} is never logged. */
public record Document(String id, String text) {}
