package org.corpusqa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.corpusqa.qa.LongestFirst;

/**
 * Runs the same measurement on several threads at once, as Spark runs one task per core: each
 * worker has its own forward pass with one intra-op thread, so the measurements compare like with
 * the job's own layout.
 */
final class Workers {
  private Workers() {}

  static <T> List<T> run(int workers, IntFunction<T> work) {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        futures.add(pool.submit(() -> work.apply(worker)));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("benchmark worker failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Splits items into {@code workers} lists of about equal total weight (longest first, see
   * {@link LongestFirst}), each list in the items' order: with a few long documents a round-robin
   * split can leave one worker with all of them, and the measurement would then time the split, not
   * the engine. The job places documents on task slots the same way.
   */
  static <T> List<List<T>> split(List<T> items, int workers, ToLongFunction<T> weight) {
    int[] workerOf = LongestFirst.assign(items.stream().mapToLong(weight).toArray(), workers);
    List<List<T>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      parts.add(new ArrayList<>());
    }
    for (int i = 0; i < workerOf.length; i++) {
      parts.get(workerOf[i]).add(items.get(i));
    }
    return parts;
  }
}
