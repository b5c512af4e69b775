package org.corpusqa.qa;

/** Counters of one answer stream: work done, padding, and where the time went. */
public final class EngineStats {
  long documents;
  long questions;
  long windows;
  long batches;
  long failedBatches;
  long outOfMemoryBatches;
  long realTokens;
  long paddedTokens;
  int peakPendingWindows;
  long tokenizeNanos;
  long forwardNanos;
  /** Time the stream's thread waited for a forward thread's batch (overlap on): host idle, device busy. */
  long forwardWaitNanos;
  /** Time the stream's thread waited for tokenizer threads' documents (tokenizer threads on). */
  long tokenizeWaitNanos;
  long decodeNanos;
  /** Cutting windows from tokenized documents, sorting them by length and cutting batches. */
  long windowNanos;
  /** Building a batch's input arrays (ids, types, mask) from its windows. */
  long tensorNanos;
  /** Windows that a query's prefilter left out, never sent to the model. */
  long windowsSkipped;
  /** Analysing documents and scoring their windows for the prefilter. */
  long prefilterNanos;

  public long documents() {
    return documents;
  }

  public long questions() {
    return questions;
  }

  public long windowsSkipped() {
    return windowsSkipped;
  }

  public long prefilterNanos() {
    return prefilterNanos;
  }

  public long windows() {
    return windows;
  }

  public long batches() {
    return batches;
  }

  /** Batches the model failed on, each then retried in halves. */
  public long failedBatches() {
    return failedBatches;
  }

  /** Batches that ran the device out of memory (each also counts as failed). */
  public long outOfMemoryBatches() {
    return outOfMemoryBatches;
  }

  public long realTokens() {
    return realTokens;
  }

  /** Most windows held at once: bounded by the lookahead, whatever the documents' length. */
  public int peakPendingWindows() {
    return peakPendingWindows;
  }

  public long tokenizeNanos() {
    return tokenizeNanos;
  }

  public long forwardNanos() {
    return forwardNanos;
  }

  public long forwardWaitNanos() {
    return forwardWaitNanos;
  }

  public long tokenizeWaitNanos() {
    return tokenizeWaitNanos;
  }

  public long decodeNanos() {
    return decodeNanos;
  }

  public long windowNanos() {
    return windowNanos;
  }

  public long tensorNanos() {
    return tensorNanos;
  }

  /** Adds another stream's counters (and time) to these, for several streams run side by side. */
  public void add(EngineStats other) {
    documents += other.documents;
    questions += other.questions;
    windows += other.windows;
    batches += other.batches;
    failedBatches += other.failedBatches;
    outOfMemoryBatches += other.outOfMemoryBatches;
    realTokens += other.realTokens;
    paddedTokens += other.paddedTokens;
    peakPendingWindows = Math.max(peakPendingWindows, other.peakPendingWindows);
    tokenizeNanos += other.tokenizeNanos;
    forwardNanos += other.forwardNanos;
    forwardWaitNanos += other.forwardWaitNanos;
    tokenizeWaitNanos += other.tokenizeWaitNanos;
    decodeNanos += other.decodeNanos;
    windowNanos += other.windowNanos;
    tensorNanos += other.tensorNanos;
    windowsSkipped += other.windowsSkipped;
    prefilterNanos += other.prefilterNanos;
  }

  /** Real tokens over padded tokens: 1.0 means no padding at all. */
  public double paddingEfficiency() {
    return paddedTokens == 0 ? 1.0 : (double) realTokens / paddedTokens;
  }

  @Override
  public String toString() {
    return String.format(
        "documents=%d questions=%d windows=%d batches=%d padding_efficiency=%.3f"
            + " tokenize_ms=%d forward_ms=%d decode_ms=%d",
        documents, questions, windows, batches, paddingEfficiency(),
        tokenizeNanos / 1_000_000, forwardNanos / 1_000_000, decodeNanos / 1_000_000)
        + (windowsSkipped > 0 ? String.format(" windows_skipped=%d prefilter_ms=%d", windowsSkipped,
            prefilterNanos / 1_000_000) : "");
  }
}
