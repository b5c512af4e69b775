package org.corpusqa.qa;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokenizes a stream's next documents on threads of their own, in parallel, while the stream's
 * thread cuts windows, batches and decodes: on a GPU the tokenizer is the host side's largest cost.
 * Documents are still pulled from their iterator by the stream's thread (Spark's iterators belong to
 * the task's thread) and come out in the order they went in, so the windows, batches and answers are
 * those of tokenizing inline. At most two documents per thread are pulled ahead.
 */
final class Tokenizers implements Iterator<Tokenizers.Tokenizing>, AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final Iterator<QaEngine.Request> documents;
  private final QaTokenizer tokenizer;
  private final ExecutorService pool;
  private final int ahead;
  private final ArrayDeque<Tokenizing> queued = new ArrayDeque<>();
  private final AtomicLong tokenizeNanos = new AtomicLong();

  /** A document and its tokens, being made on a tokenizer thread. */
  record Tokenizing(QaEngine.Request request, Future<TokenizedText> tokens) {
    /** Waits for the tokens; the tokenizer's own exception when it failed on the text. */
    TokenizedText context() {
      return Futures.get(tokens, "the tokenizer");
    }
  }

  Tokenizers(Iterator<QaEngine.Request> documents, QaTokenizer tokenizer, int threads) {
    this.documents = documents;
    this.tokenizer = tokenizer;
    this.ahead = 2 * threads;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "corpusqa-tokenizer-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public boolean hasNext() {
    return !queued.isEmpty() || documents.hasNext();
  }

  /** The next document in input order, after queuing the ones behind it. */
  @Override
  public Tokenizing next() {
    while (queued.size() <= ahead && documents.hasNext()) {
      QaEngine.Request request = documents.next();
      String text = request.document().text();
      queued.add(new Tokenizing(request, pool.submit(() -> {
        long t0 = System.nanoTime();
        try {
          return tokenizer.tokenize(text);
        } finally {
          tokenizeNanos.addAndGet(System.nanoTime() - t0);
        }
      })));
    }
    if (queued.isEmpty()) {
      throw new java.util.NoSuchElementException();
    }
    return queued.poll();
  }

  /** Time the tokenizer threads spent tokenizing, summed over threads. */
  long tokenizeNanos() {
    return tokenizeNanos.get();
  }

  /** Drops queued documents and waits for the threads to end (the tokenizer's native calls finish first). */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
