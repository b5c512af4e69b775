package org.corpusqa.qa;

/**
 * Sees every window with its logits, for {@code --explain}. Called on the engine's thread, once per
 * window, before the window's (document, question) result is returned.
 */
@FunctionalInterface
public interface WindowObserver {
  WindowObserver NONE = (window, logits, rowOffset) -> {};

  /**
   * @param logits the logits of the window's batch
   * @param rowOffset index in the logits of the window's first token
   */
  void onWindow(Window window, BatchLogits logits, int rowOffset);

  /**
   * A classification window with its label logits (a classifier's engine calls this instead of
   * {@link #onWindow}).
   *
   * @param labelLogits the logits of the window's batch, {@code labelCount} per window
   * @param offset index in {@code labelLogits} of the window's first label
   */
  default void onLabelWindow(Window window, float[] labelLogits, int offset, int labelCount) {}

  /** A window the query's prefilter left out ({@link QuestionWork#isSkipped}): the model never reads it. */
  default void onSkippedWindow(QuestionWork work, int index) {}
}
