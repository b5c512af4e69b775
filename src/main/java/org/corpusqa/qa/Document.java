package org.corpusqa.qa;

/**
 * A document to answer questions over; {@code text} is never logged.
 *
 * @param textSha256 the text's identity as the caller computed it, carried to the results; may be null
 */
public record Document(String id, String text, String textSha256) {
  public Document(String id, String text) {
    this(id, text, null);
  }
}
