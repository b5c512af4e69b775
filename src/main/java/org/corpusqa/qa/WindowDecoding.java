package org.corpusqa.qa;

/**
 * What one window says: its no-answer score and its best spans, as token positions in the window,
 * best first.
 */
record WindowDecoding(double nullScore, int[] starts, int[] ends, double[] scores) {
  int size() {
    return scores.length;
  }
}
