package org.corpusqa.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.BatchLogits;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.EngineStats;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.PreparedQuery;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.qa.WindowBatch;
import org.corpusqa.qa.WindowObserver;

/**
 * The Spark-free measurements of {@code bench}: the model alone on fixed shapes, the engine on a
 * corpus (and the model alone on that run's own batches). Every figure is measured with {@code
 * workers} threads side by side, one intra-op thread each, as Spark runs one task per core.
 */
public final class Benchmark {
  private static final int[] SHAPES = {128, 256, 384};

  private final QaModel model;
  private final List<Query> queries;
  private final EngineOptions options;
  private final int workers;
  private final double seconds;

  public Benchmark(QaModel model, List<Query> queries, EngineOptions options, int workers, double seconds) {
    this.model = model;
    this.queries = queries;
    this.options = options.forDevice(false); // the bench runs its models on the CPU
    this.workers = workers;
    this.seconds = seconds;
  }

  /** Forward throughput on full windows of 128, 256 and 384 tokens, batched as the engine would. */
  public Map<String, Object> modelAlone(ModelArithmetic arithmetic) {
    int[] ids = model.tokenizer().tokenize(SyntheticCorpus.generate(6, 7).get(5).text()).ids();
    Map<String, Object> out = new LinkedHashMap<>();
    for (int length : SHAPES) {
      if (length > model.bundle().manifest().maxSeqLen()) {
        continue;
      }
      int rows = Math.max(1, Math.min(options.maxBatchRows(), options.maxBatchTokens() / length));
      WindowBatch batch = WindowBatch.ofTokens(rows, length, ids);
      List<long[]> counts = Workers.run(workers, w -> {
        try (ForwardPass pass = model.newForwardPass()) {
          pass.forward(batch); // warm-up: first-call allocation and kernel selection
          long start = System.nanoTime();
          long windows = 0;
          do {
            pass.forward(batch);
            windows += rows;
          } while (System.nanoTime() - start < seconds * 1e9 || windows < 2L * rows);
          return new long[] {windows, System.nanoTime() - start};
        }
      });
      double windowsPerSecond = counts.stream().mapToDouble(c -> c[0] / (c[1] / 1e9)).sum();
      Map<String, Object> shape = new LinkedHashMap<>();
      shape.put("batch_rows", rows);
      shape.put("windows_per_s", round(windowsPerSecond));
      shape.put("tokens_per_s", round(windowsPerSecond * length));
      shape.put("gflop_per_s", arithmetic == null ? null : round(windowsPerSecond * arithmetic.flopsPerWindow(length) / 1e9));
      out.put(Integer.toString(length), shape);
    }
    return out;
  }

  /**
   * What one engine run gave: answers in (doc, query) order, counters, wall time, the CPU seconds
   * its worker threads used, its batches.
   */
  public record EngineRun(
      List<QaResult> results, EngineStats stats, double wallSeconds, double cpuSeconds, List<List<WindowBatch>> batches) {}

  /** The engine over the documents, split among the workers; every batch is kept for a replay. */
  public EngineRun engine(List<Document> docs) {
    return engine(docs, model::newForwardPass, true);
  }

  /**
   * The engine with a forward pass that costs nothing ({@link FixedLogits}): what tokenizing,
   * windowing, batching and decoding cost on their own. Batches are not kept.
   */
  public EngineRun hostOnly(List<Document> docs) {
    int labels = model.bundle().manifest().labels().size();
    return engine(docs, () -> new FixedLogits(labels), false);
  }

  /**
   * {@link #hostOnly} over and over: rounds for {@code warmUpSeconds} first (class loading and the
   * JIT, which would otherwise dominate a pass of a few hundred windows), then rounds for the
   * bench's {@code --seconds}; the measured rounds' counters, wall and CPU seconds summed, the last
   * round's answers (every round gives the same).
   */
  public EngineRun hostOnlyRounds(List<Document> docs, double warmUpSeconds) {
    long warmUpEnd = System.nanoTime() + (long) (warmUpSeconds * 1e9);
    do {
      hostOnly(docs);
    } while (System.nanoTime() < warmUpEnd);
    EngineStats total = new EngineStats();
    double wall = 0;
    double cpu = 0;
    EngineRun last;
    do {
      last = hostOnly(docs);
      total.add(last.stats());
      wall += last.wallSeconds();
      cpu += last.cpuSeconds();
    } while (wall < seconds);
    return new EngineRun(last.results(), total, wall, cpu, List.of());
  }

  private EngineRun engine(List<Document> docs, java.util.function.Supplier<ForwardPass> forward, boolean keepBatches) {
    QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(), options,
        model.bundle().manifest().labels());
    List<PreparedQuery> prepared = engine.prepare(queries);
    List<List<Document>> parts = Workers.split(docs, workers, d -> d.text().length());
    long start = System.nanoTime();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    List<Object[]> runs = Workers.run(workers, w -> {
      long cpuStart = threads.getCurrentThreadCpuTime();
      List<WindowBatch> batches = new ArrayList<>();
      List<QaResult> results = new ArrayList<>();
      try (ForwardPass pass = forward.get()) {
        ForwardPass recording = new ForwardPass() {
          @Override
          public BatchLogits forward(WindowBatch batch) {
            if (keepBatches) {
              batches.add(batch);
            }
            return pass.forward(batch);
          }

          @Override
          public void close() {}
        };
        var stream = engine.answer(parts.get(w).iterator(), prepared, recording, WindowObserver.NONE);
        stream.forEachRemaining(results::add);
        return new Object[] {results, stream.stats(), batches, threads.getCurrentThreadCpuTime() - cpuStart};
      }
    });
    double wall = (System.nanoTime() - start) / 1e9;
    List<QaResult> results = new ArrayList<>();
    EngineStats total = new EngineStats();
    List<List<WindowBatch>> batches = new ArrayList<>();
    long cpuNanos = 0;
    for (Object[] run : runs) {
      cpuNanos += (Long) run[3];
      @SuppressWarnings("unchecked") List<QaResult> r = (List<QaResult>) run[0];
      @SuppressWarnings("unchecked") List<WindowBatch> b = (List<WindowBatch>) run[2];
      results.addAll(r);
      total.add((EngineStats) run[1]);
      batches.add(b);
    }
    results.sort(Comparator.comparing(QaResult::docId).thenComparing(r -> r.query().id()));
    return new EngineRun(results, total, wall, cpuNanos / 1e9, batches);
  }

  /** The model alone on exactly the engine run's batches: the ceiling the engine is held to. */
  public double replaySeconds(EngineRun run) {
    long start = System.nanoTime();
    Workers.run(workers, w -> {
      try (ForwardPass pass = model.newForwardPass()) {
        for (WindowBatch batch : run.batches().get(w)) {
          pass.forward(batch);
        }
      }
      return null;
    });
    return (System.nanoTime() - start) / 1e9;
  }

  /** Share of (document, question) pairs whose top answer is the same span in both runs. */
  public static double topAnswerAgreement(List<QaResult> reference, List<QaResult> candidate) {
    int same = 0;
    for (int i = 0; i < reference.size(); i++) {
      Answer want = reference.get(i).answers().isEmpty() ? null : reference.get(i).answers().get(0);
      Answer have = candidate.get(i).answers().isEmpty() ? null : candidate.get(i).answers().get(0);
      if (want != null && have != null && java.util.Objects.equals(want.startChar(), have.startChar())
          && java.util.Objects.equals(want.endChar(), have.endChar())) {
        same++;
      }
    }
    return reference.isEmpty() ? 1.0 : (double) same / reference.size();
  }

  /**
   * A digest of every answer (document, query, rank, span, score to 6 significant digits): two runs
   * on the same inputs and logits answered identically when their digests are equal.
   */
  public static String answersSha256(List<QaResult> results) {
    StringBuilder all = new StringBuilder();
    for (QaResult r : results) {
      all.append(r.docId()).append('\u0001').append(r.query().id());
      if (r.label() != null) {
        all.append('\u0001').append(r.label().label()).append(':')
            .append(String.format(java.util.Locale.ROOT, "%.6g", r.label().score()));
      }
      for (Answer a : r.answers()) {
        all.append('\u0001').append(a.rank()).append(':').append(a.startChar()).append('-').append(a.endChar())
            .append(':').append(a.score() == null ? "null" : String.format(java.util.Locale.ROOT, "%.6g", a.score()));
      }
      all.append('\n');
    }
    return org.corpusqa.digest.Sha256.of(all.toString());
  }

  /** Rounded to 3 decimals, as every figure of the report. */
  public static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
