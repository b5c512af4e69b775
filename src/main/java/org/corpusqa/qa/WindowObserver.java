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

  /** A window the query's prefilter left out ({@link QuestionWork#isSkipped}): the model never reads it. */
  default void onSkippedWindow(QuestionWork work, int index) {}
}
