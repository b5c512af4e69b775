package org.corpusqa.bench;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.PreparedQuery;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.qa.WindowObserver;

/**
 * Heap retained while one stream (one Spark partition) answers N documents: documents are made as
 * the engine pulls them and results are dropped as they come out, as the partition function does,
 * so whatever the heap keeps growing with N is the engine's own.
 */
public final class HeapProfile {
  private HeapProfile() {}

  public static Map<String, Object> measure(QaModel model, List<Query> queries, EngineOptions options, int documents) {
    QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(), options);
    List<PreparedQuery> prepared = engine.prepare(queries);
    int every = Math.max(1, documents / 20);
    long baseline = retainedBytes();
    long peak = 0;
    long last = 0;
    long answered = 0;
    long start = System.nanoTime();
    try (ForwardPass pass = model.newForwardPass()) {
      Iterator<QaResult> results = engine.answer(new Generated(documents), prepared, pass, WindowObserver.NONE);
      while (results.hasNext()) {
        results.next();
        answered++;
        if (answered % ((long) every * queries.size()) == 0) {
          last = retainedBytes();
          peak = Math.max(peak, last);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("documents", documents);
    out.put("results", answered);
    out.put("seconds", Benchmark.round((System.nanoTime() - start) / 1e9));
    out.put("retained_heap_mb_start", Benchmark.round(baseline / 1048576.0));
    out.put("retained_heap_mb_peak", Benchmark.round(peak / 1048576.0));
    out.put("retained_heap_mb_end", Benchmark.round(last / 1048576.0));
    return out;
  }

  private static long retainedBytes() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** Short synthetic documents, made one at a time. */
  private static final class Generated implements Iterator<Document> {
    private final int count;
    private final SplittableRandom random = new SplittableRandom(11);
    private int next;

    Generated(int count) {
      this.count = count;
    }

    @Override
    public boolean hasNext() {
      return next < count;
    }

    @Override
    public Document next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return SyntheticCorpus.shortDocument(next++, random);
    }
  }
}
