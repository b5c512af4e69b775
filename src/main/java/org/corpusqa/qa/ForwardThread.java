package org.corpusqa.qa;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream's forward passes, run in order on a thread of their own, so that the stream's thread
 * tokenizes the next documents and decodes finished batches while the device computes. The forward
 * pass is used by this thread only, as {@link ForwardPass} requires; batches are handed over and
 * logits handed back through futures, which order the two threads' memory.
 */
final class ForwardThread implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final ForwardPass model;
  private final ExecutorService thread;
  private final AtomicLong forwardNanos = new AtomicLong();

  ForwardThread(ForwardPass model) {
    this.model = model;
    this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "corpusqa-forward-" + THREADS.incrementAndGet());
      // A task that ends without draining its stream (killed, failed) must not keep the JVM up.
      t.setDaemon(true);
      return t;
    });
  }

  /** Queues the batch behind those already submitted. */
  Future<BatchLogits> submit(WindowBatch batch) {
    return thread.submit(() -> {
      long t0 = System.nanoTime();
      try {
        return model.forward(batch);
      } finally {
        forwardNanos.addAndGet(System.nanoTime() - t0);
      }
    });
  }

  /** Time spent in forward passes so far, failed ones included. */
  long forwardNanos() {
    return forwardNanos.get();
  }

  /**
   * Drops queued batches and waits for the running one to end: only then may the caller close the
   * forward pass (closing a predictor under a running forward pass crashes the native engine).
   */
  @Override
  public void close() {
    thread.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
