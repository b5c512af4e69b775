package org.corpusqa.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

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
   * Splits items into {@code workers} lists of about equal total weight (the heaviest item goes to
   * the lightest list, in turn), each list in the items' order: with a few long documents a
   * round-robin split can leave one worker with all of them, and the measurement would then time
   * the split, not the engine.
   */
  static <T> List<List<T>> split(List<T> items, int workers, ToLongFunction<T> weight) {
    Integer[] heaviestFirst = new Integer[items.size()];
    for (int i = 0; i < heaviestFirst.length; i++) {
      heaviestFirst[i] = i;
    }
    Arrays.sort(heaviestFirst, Comparator.comparingLong((Integer i) -> weight.applyAsLong(items.get(i))).reversed());
    long[] load = new long[workers];
    List<List<Integer>> indexes = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      indexes.add(new ArrayList<>());
    }
    for (int i : heaviestFirst) {
      int lightest = 0;
      for (int w = 1; w < workers; w++) {
        if (load[w] < load[lightest]) {
          lightest = w;
        }
      }
      load[lightest] += weight.applyAsLong(items.get(i));
      indexes.get(lightest).add(i);
    }
    List<List<T>> parts = new ArrayList<>();
    for (List<Integer> part : indexes) {
      Collections.sort(part);
      parts.add(part.stream().map(items::get).toList());
    }
    return parts;
  }
}
