package org.corpusqa.job;

/** How {@code run} treats documents it has answered before. */
public enum RunMode {
  /** Skip (document, question) pairs already answered with the same model and the same text. */
  INCREMENTAL,
  /** Answer everything read, replacing earlier answers of the same model. */
  FULL
}
