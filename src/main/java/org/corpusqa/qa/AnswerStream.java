package org.corpusqa.qa;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The engine's loop for one stream of documents: gathers up to {@code lookahead} windows across
 * documents and questions, sorts them by length so that batches need little padding, cuts batches
 * under the token budget, runs the model, decodes each window, and hands out each (document,
 * question) result once its last window is decoded.
 */
public final class AnswerStream implements Iterator<QaResult> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AnswerStream.class);
  private final QaEngine engine;
  private final Iterator<QaEngine.Request> documents;
  private final ForwardPass model;
  private final WindowObserver observer;
  private final EngineOptions options;
  private final ArrayDeque<QuestionWork> producing = new ArrayDeque<>();
  private final ArrayDeque<QaResult> ready = new ArrayDeque<>();
  private final List<Window> pending = new ArrayList<>();
  private final EngineStats stats = new EngineStats();
  private final SpanDecoder decoder = new SpanDecoder();
  /** The batch token budget; lowered for the rest of the stream when the device runs out of memory. */
  private int tokenBudget;

  AnswerStream(
      QaEngine engine, Iterator<QaEngine.Request> documents, ForwardPass model, WindowObserver observer) {
    this.engine = engine;
    this.documents = documents;
    this.model = model;
    this.observer = observer;
    this.options = engine.options();
    this.tokenBudget = options.maxBatchTokens();
  }

  public EngineStats stats() {
    return stats;
  }

  /** The batch token budget now: the configured one, or less after the device ran out of memory. */
  public int tokenBudget() {
    return tokenBudget;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && (documents.hasNext() || !producing.isEmpty())) {
      gatherWindows();
      runPending();
    }
    return !ready.isEmpty();
  }

  @Override
  public QaResult next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void gatherWindows() {
    long t0 = System.nanoTime();
    long tokenizing = stats.tokenizeNanos + stats.prefilterNanos;
    while (pending.size() < options.lookaheadWindows()) {
      QuestionWork work = producing.peek();
      if (work == null) {
        if (!documents.hasNext()) {
          break;
        }
        admit(documents.next());
        continue;
      }
      pending.add(work.nextWindow());
      if (!work.hasMoreWindows()) {
        producing.poll();
      }
    }
    stats.peakPendingWindows = Math.max(stats.peakPendingWindows, pending.size());
    // Admitting a document tokenizes it (and scores its windows): that time is counted there.
    stats.windowNanos += System.nanoTime() - t0 - (stats.tokenizeNanos + stats.prefilterNanos - tokenizing);
  }

  private void admit(QaEngine.Request request) {
    long t0 = System.nanoTime();
    stats.documents++;
    TokenizedText context;
    try {
      context = engine.tokenizer().tokenize(request.document().text());
    } catch (RuntimeException e) {
      // One text the tokenizer cannot take fails its own questions, not the partition.
      Failure failure = Failure.of(Failure.Kind.TOKENIZATION_FAILED, e, "tokenizer failed on the text");
      for (PreparedQuery q : request.queries()) {
        stats.questions++;
        ready.add(QaResult.failed(request.document(), q.query(), 0, 0, failure));
      }
      return;
    } finally {
      stats.tokenizeNanos += System.nanoTime() - t0;
    }
    long t1 = System.nanoTime();
    List<QuestionWork> works = engine.expand(request, context);
    if (request.queries().stream().anyMatch(q -> q.query().prefilter().isOn())) {
      stats.prefilterNanos += System.nanoTime() - t1;
    }
    for (QuestionWork work : works) {
      stats.questions++;
      stats.windowsSkipped += work.windowCount() - work.windowsToRead();
      for (int w = 0; work.windowsToRead() < work.windowCount() && w < work.windowCount(); w++) {
        if (work.isSkipped(w)) {
          observer.onSkippedWindow(work, w);
        }
      }
      if (work.hasMoreWindows()) {
        producing.add(work);
      } else {
        ready.add(work.finish());
      }
    }
  }

  private void runPending() {
    if (pending.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    pending.sort(Comparator.comparingInt(Window::length));
    stats.windowNanos += System.nanoTime() - t0;
    int from = 0;
    while (from < pending.size()) {
      int to = from + 1;
      // Sorted ascending, so the window at `to` sets the padded length if it joins.
      while (to < pending.size()
          && to - from < options.maxBatchRows()
          && (long) (to - from + 1) * pending.get(to).length() <= tokenBudget) {
        to++;
      }
      runBatch(pending.subList(from, to));
      from = to;
    }
    pending.clear();
  }

  /**
   * Runs one batch; when the model fails on it, runs each half on its own, down to single windows,
   * so that only a window the model cannot run at all fails, and only its (document, question).
   * When the failure is the device running out of memory, the token budget also drops to half of
   * this batch's padded tokens for the rest of the stream, so that later batches do not fail the
   * same way (a GPU's free memory is only known by trying).
   */
  private void runBatch(List<Window> windows) {
    long tBatch = System.nanoTime();
    WindowBatch batch = new WindowBatch(List.copyOf(windows), engine.tokenizer().padTokenId());
    long t0 = System.nanoTime();
    stats.tensorNanos += t0 - tBatch;
    BatchLogits logits;
    try {
      logits = model.forward(batch);
    } catch (RuntimeException e) {
      stats.forwardNanos += System.nanoTime() - t0;
      stats.failedBatches++;
      if (OutOfMemory.isDeviceOutOfMemory(e)) {
        stats.outOfMemoryBatches++;
        long padded = (long) batch.rows() * batch.paddedLength();
        int lowered = (int) Math.max(batch.paddedLength(), padded / 2);
        if (lowered < tokenBudget) {
          LOG.warn("Out of device memory on a batch of {} windows x {} tokens; token budget {} -> {}",
              batch.rows(), batch.paddedLength(), tokenBudget, lowered);
          tokenBudget = lowered;
        }
      }
      if (windows.size() > 1) {
        int half = windows.size() / 2;
        runBatch(windows.subList(0, half));
        runBatch(windows.subList(half, windows.size()));
      } else {
        Window window = windows.get(0);
        QuestionWork work = window.work();
        work.fail(Failure.of(Failure.Kind.MODEL_FAILED, e,
            "model failed on window " + window.index() + " of " + window.length() + " tokens"));
        if (work.isComplete()) {
          ready.add(work.finish());
        }
      }
      return;
    }
    long t1 = System.nanoTime();
    stats.forwardNanos += t1 - t0;
    stats.batches++;
    stats.windows += batch.rows();
    stats.realTokens += batch.realTokens();
    stats.paddedTokens += (long) batch.rows() * batch.paddedLength();
    for (int row = 0; row < batch.rows(); row++) {
      Window window = batch.windows().get(row);
      int rowOffset = row * batch.paddedLength();
      DecodingSettings settings = window.work().query().settings();
      WindowDecoding decoding =
          decoder.decode(
              logits.start(),
              logits.end(),
              rowOffset,
              window.contextStart(),
              window.contextTo() - window.contextFrom(),
              settings.maxAnswerLen(),
              settings.topK());
      observer.onWindow(window, logits, rowOffset);
      QuestionWork work = window.work();
      work.accept(window, decoding);
      if (work.isComplete()) {
        ready.add(work.finish());
      }
    }
    stats.decodeNanos += System.nanoTime() - t1;
  }
}
