package org.corpusqa.qa;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Future;

/**
 * The engine's loop for one stream of documents: gathers up to {@code lookahead} windows across
 * documents and questions, sorts them by length so that batches need little padding, cuts batches
 * under the token budget, runs the model, decodes each window, and hands out each (document,
 * question) result once its last window is decoded.
 *
 * <p>With {@link EngineOptions.Overlap#ON} the model runs on a {@link ForwardThread}: batches are
 * submitted up to {@value #BATCHES_IN_FLIGHT} ahead and decoded in the order they were cut, and
 * while they run this thread gathers and tokenizes the next documents. Everything but the forward
 * pass stays on this thread, so the documents' iterator (Spark's) and the results are touched by one
 * thread only, and the batches and their logits are the same as without overlap.
 */
public final class AnswerStream implements Iterator<QaResult>, AutoCloseable {
  /**
   * One batch running and one waiting: the device never waits for this thread to cut the next, and
   * no more than two batches' inputs and logits are held beyond the lookahead.
   */
  static final int BATCHES_IN_FLIGHT = 2;

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
  /** Null when forward passes run on this thread. */
  private final ForwardThread forwardThread;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  /** Null when documents are tokenized on this thread. */
  private final Tokenizers tokenizers;
  /** The batch token budget; lowered for the rest of the stream when the device runs out of memory. */
  private int tokenBudget;

  AnswerStream(
      QaEngine engine, Iterator<QaEngine.Request> documents, ForwardPass model, WindowObserver observer) {
    this.engine = engine;
    this.documents = documents;
    this.model = model;
    this.observer = observer;
    // Callers that know the device resolve its choices first; the CPU's are the safe ones.
    this.options = engine.options().forDevice(false);
    this.tokenBudget = options.maxBatchTokens();
    this.forwardThread = options.overlap() == EngineOptions.Overlap.ON ? new ForwardThread(model) : null;
    this.tokenizers = options.tokenizerThreads() > 0
        ? new Tokenizers(documents, engine.tokenizer(), options.tokenizerThreads()) : null;
  }

  /** A batch handed to the forward thread, with the windows it was cut from, for retries. */
  private record InFlight(List<Window> windows, WindowBatch batch, Future<BatchLogits> logits) {}

  public EngineStats stats() {
    if (forwardThread != null) {
      // Every forward pass of an overlapped stream, retries included, runs on its thread.
      stats.forwardNanos = forwardThread.forwardNanos();
    }
    if (tokenizers != null) {
      stats.tokenizeNanos = tokenizers.tokenizeNanos();
    }
    return stats;
  }

  /**
   * Stops the forward thread, if any, once its running batch ends; the stream closes itself when it
   * is drained. Call it before closing the forward pass of a stream that may not have been drained.
   */
  @Override
  public void close() {
    if (forwardThread != null) {
      forwardThread.close();
    }
    if (tokenizers != null) {
      tokenizers.close();
    }
  }

  /** The batch token budget now: the configured one, or less after the device ran out of memory. */
  public int tokenBudget() {
    return tokenBudget;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty()) {
      if (moreDocuments() || !producing.isEmpty()) {
        gatherWindows();
        runPending();
      } else if (!inFlight.isEmpty()) {
        completeOldest();
      } else {
        close();
        return false;
      }
    }
    return true;
  }

  @Override
  public QaResult next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  /** Documents not yet admitted: still in the iterator, or pulled ahead by the tokenizer threads. */
  private boolean moreDocuments() {
    return tokenizers != null ? tokenizers.hasNext() : documents.hasNext();
  }

  private void gatherWindows() {
    long t0 = System.nanoTime();
    long admitting = 0;
    while (pending.size() < options.lookaheadWindows()) {
      QuestionWork work = producing.peek();
      if (work == null) {
        if (!moreDocuments()) {
          break;
        }
        long a0 = System.nanoTime();
        if (tokenizers == null) {
          QaEngine.Request request = documents.next();
          admit(request, () -> engine.tokenizer().tokenize(request.document().text()));
        } else {
          Tokenizers.Tokenizing next = tokenizers.next();
          admit(next.request(), next::context);
        }
        admitting += System.nanoTime() - a0;
        continue;
      }
      pending.add(work.nextWindow());
      if (!work.hasMoreWindows()) {
        producing.poll();
      }
    }
    stats.peakPendingWindows = Math.max(stats.peakPendingWindows, pending.size());
    // Admitting a document tokenizes it (and scores its windows): that time is counted there.
    stats.windowNanos += System.nanoTime() - t0 - admitting;
  }

  /** Tokenizes a document (or waits for its tokens), then makes its questions' work. */
  private void admit(QaEngine.Request request, java.util.function.Supplier<TokenizedText> tokens) {
    long t0 = System.nanoTime();
    stats.documents++;
    TokenizedText context;
    try {
      context = tokens.get();
    } catch (RuntimeException e) {
      // One text the tokenizer cannot take fails its own questions, not the partition.
      Failure failure = Failure.of(Failure.Kind.TOKENIZATION_FAILED, e, "tokenizer failed on the text");
      for (PreparedQuery q : request.queries()) {
        stats.questions++;
        ready.add(QaResult.failed(request.document(), q.query(), 0, 0, failure));
      }
      return;
    } finally {
      if (tokenizers == null) {
        stats.tokenizeNanos += System.nanoTime() - t0;
      } else {
        stats.tokenizeWaitNanos += System.nanoTime() - t0;
      }
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
      dispatch(List.copyOf(pending.subList(from, to)));
      from = to;
    }
    pending.clear();
  }

  /** Runs a batch now, or hands it to the forward thread once fewer than the most are in flight. */
  private void dispatch(List<Window> windows) {
    if (forwardThread == null) {
      runBatch(windows);
      return;
    }
    while (inFlight.size() >= BATCHES_IN_FLIGHT) {
      completeOldest();
    }
    WindowBatch batch = build(windows);
    inFlight.add(new InFlight(windows, batch, forwardThread.submit(batch)));
  }

  /** Waits for the oldest batch in flight and decodes it, or retries it in halves if it failed. */
  private void completeOldest() {
    InFlight batch = inFlight.poll();
    BatchLogits logits;
    try {
      logits = await(batch.logits());
    } catch (RuntimeException e) {
      retry(batch.windows(), batch.batch(), e);
      return;
    }
    decode(batch.batch(), logits);
  }

  private BatchLogits await(Future<BatchLogits> logits) {
    long t0 = System.nanoTime();
    try {
      return Futures.get(logits, "the model's forward pass");
    } finally {
      stats.forwardWaitNanos += System.nanoTime() - t0;
    }
  }

  private WindowBatch build(List<Window> windows) {
    long t0 = System.nanoTime();
    WindowBatch batch = new WindowBatch(List.copyOf(windows), engine.tokenizer().padTokenId());
    stats.tensorNanos += System.nanoTime() - t0;
    return batch;
  }

  /** Runs one batch and decodes it, waiting for it to run; {@link #retry} when the model fails on it. */
  private void runBatch(List<Window> windows) {
    WindowBatch batch = build(windows);
    long t0 = System.nanoTime();
    BatchLogits logits;
    try {
      logits = forwardThread == null ? model.forward(batch) : await(forwardThread.submit(batch));
    } catch (RuntimeException e) {
      stats.forwardNanos += System.nanoTime() - t0;
      retry(windows, batch, e);
      return;
    }
    stats.forwardNanos += System.nanoTime() - t0;
    decode(batch, logits);
  }

  /**
   * After the model failed on a batch, runs each half on its own, down to single windows, so that
   * only a window the model cannot run at all fails, and only its (document, question). When the
   * failure is the device running out of memory, the token budget also drops to half of this
   * batch's padded tokens for the rest of the stream, so that later batches do not fail the same
   * way (a GPU's free memory is only known by trying).
   */
  private void retry(List<Window> windows, WindowBatch batch, RuntimeException e) {
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
  }

  private void decode(WindowBatch batch, BatchLogits logits) {
    long t1 = System.nanoTime();
    stats.batches++;
    stats.windows += batch.rows();
    stats.realTokens += batch.realTokens();
    stats.paddedTokens += (long) batch.rows() * batch.paddedLength();
    int labelCount = engine.labels().size();
    for (int row = 0; row < batch.rows(); row++) {
      Window window = batch.windows().get(row);
      if (labelCount > 0) {
        QuestionWork work = window.work();
        observer.onLabelWindow(window, logits.labels(), row * labelCount, labelCount);
        work.acceptLabels(window, logits.labels(), row * labelCount);
        if (work.isComplete()) {
          ready.add(work.finish());
        }
        continue;
      }
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
              settings.candidatesPerWindow());
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
