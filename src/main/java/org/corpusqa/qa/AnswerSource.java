package org.corpusqa.qa;

/**
 * One window's span that went into an answer: with {@code pooling: text} an answer's score is the
 * sum of its sources' scores (equal texts anywhere in the document), with {@code pooling: span} the
 * best of them (the same characters in overlapping windows). {@code --explain} lists them.
 *
 * @param window the window's index in the document (0 is the first)
 * @param startChar where this window's span starts, as a Java {@code String} index
 * @param endChar where it ends (exclusive)
 * @param score {@code p_start * p_end} in that window
 */
public record AnswerSource(int window, int startChar, int endChar, double score) {}
