package org.corpusqa.bench;

import java.util.List;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;

/**
 * How a bench measures: the queries and engine options every section uses, the threads side by
 * side ({@code workers}, one intra-op thread each), the time per fixed-shape measurement, and the
 * stream lengths of the heap measurement (none: no heap section).
 */
public record BenchSettings(
    List<Query> queries, EngineOptions options, int workers, double seconds, List<Integer> heapDocs) {

  public BenchSettings {
    queries = List.copyOf(queries);
    heapDocs = List.copyOf(heapDocs);
  }
}
