package org.corpusqa.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.translator.QuestionAnsweringTranslator;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.qa.QAInput;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelInput;
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
 * corpus (and the model alone on that run's own batches), and DJL's stock QA translator as a user
 * would call it. Every figure is measured with {@code workers} threads side by side, one intra-op
 * thread each, as Spark runs one task per core.
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
    this.options = options;
    this.workers = workers;
    this.seconds = seconds;
  }

  /** Forward throughput on full windows of 128, 256 and 384 tokens, batched as the engine would. */
  public Map<String, Object> modelAlone(ModelArithmetic arithmetic) {
    int[] ids = model.tokenizer().tokenize(SyntheticCorpus.generate(3, 7).get(2).text()).ids();
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

  /** What one engine run gave: answers in (doc, query) order, counters, wall time, its batches. */
  public record EngineRun(List<QaResult> results, EngineStats stats, double wallSeconds, List<List<WindowBatch>> batches) {}

  /** The engine over the documents, split among the workers; every batch is kept for a replay. */
  public EngineRun engine(List<Document> docs) {
    QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(), options);
    List<PreparedQuery> prepared = engine.prepare(queries);
    List<List<Document>> parts = Workers.split(docs, workers);
    long start = System.nanoTime();
    List<Object[]> runs = Workers.run(workers, w -> {
      List<WindowBatch> batches = new ArrayList<>();
      List<QaResult> results = new ArrayList<>();
      try (ForwardPass pass = model.newForwardPass()) {
        ForwardPass recording = new ForwardPass() {
          @Override
          public BatchLogits forward(WindowBatch batch) {
            batches.add(batch);
            return pass.forward(batch);
          }

          @Override
          public void close() {}
        };
        var stream = engine.answer(parts.get(w).iterator(), prepared, recording, WindowObserver.NONE);
        stream.forEachRemaining(results::add);
        return new Object[] {results, stream.stats(), batches};
      }
    });
    double wall = (System.nanoTime() - start) / 1e9;
    List<QaResult> results = new ArrayList<>();
    EngineStats total = new EngineStats();
    List<List<WindowBatch>> batches = new ArrayList<>();
    for (Object[] run : runs) {
      @SuppressWarnings("unchecked") List<QaResult> r = (List<QaResult>) run[0];
      @SuppressWarnings("unchecked") List<WindowBatch> b = (List<WindowBatch>) run[2];
      results.addAll(r);
      total.add((EngineStats) run[1]);
      batches.add(b);
    }
    results.sort(Comparator.comparing(QaResult::docId).thenComparing(r -> r.query().id()));
    return new EngineRun(results, total, wall, batches);
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

  /**
   * DJL's stock QuestionAnsweringTranslator, one predict per (document, question), on the documents
   * that fit one window, against the engine's answers to the same pairs. Answers are compared as
   * text with case, spaces and WordPiece marks removed, since the stock translator returns decoded
   * tokens, not a span of the original text.
   */
  public Map<String, Object> naiveBaseline(List<Document> docs, EngineRun engineRun) {
    ModelBundle bundle = model.bundle();
    int maxSeqLen = bundle.manifest().maxSeqLen();
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HuggingFaceTokenizer.builder()
          .optTokenizerPath(bundle.directory().resolve(ModelBundle.TOKENIZER_FILE))
          .optMaxLength(maxSeqLen).optTruncation(true).optPadding(false).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The documents the engine answered in one window for every question: the translator sees them
    // whole, so both sides answer from the same tokens.
    java.util.Set<String> split = new java.util.HashSet<>();
    for (QaResult r : engineRun.results()) {
      if (r.windows() != 1) {
        split.add(r.docId());
      }
    }
    List<Document> single = docs.stream().filter(d -> !split.contains(d.id())).toList();
    QuestionAnsweringTranslator translator = QuestionAnsweringTranslator.builder(tokenizer)
        .optIncludeTokenTypes(bundle.manifest().inputs().contains(ModelInput.TOKEN_TYPE_IDS))
        .build();
    List<List<Document>> parts = Workers.split(single, workers);
    long start = System.nanoTime();
    List<Map<String, String>> answers = Workers.run(workers, w -> {
      Map<String, String> byPair = new LinkedHashMap<>();
      try (Predictor<QAInput, String> predictor = model.newPredictor(translator)) {
        for (Document d : parts.get(w)) {
          for (Query q : queries) {
            byPair.put(d.id() + "\u0000" + q.id(), predictor.predict(new QAInput(q.question(), d.text())));
          }
        }
      } catch (TranslateException e) {
        throw new IllegalStateException("naive baseline failed: " + e.getMessage(), e);
      }
      return byPair;
    });
    double wall = (System.nanoTime() - start) / 1e9;
    Map<String, String> naive = new LinkedHashMap<>();
    answers.forEach(naive::putAll);

    // The engine's answers on the same pairs and their windows/s: one window per pair here.
    int same = 0;
    int compared = 0;
    for (QaResult r : engineRun.results()) {
      String theirs = naive.get(r.docId() + "\u0000" + r.query().id());
      if (theirs == null || r.answers().isEmpty()) {
        continue;
      }
      Answer ours = r.answers().get(0);
      compared++;
      if (normalise(ours.text()).equals(normalise(theirs))) {
        same++;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("documents", single.size());
    out.put("pairs", naive.size());
    out.put("windows_per_s", round(naive.size() / wall));
    out.put("answers_compared", compared);
    out.put("answers_identical_share", compared == 0 ? null : round((double) same / compared));
    tokenizer.close();
    return out;
  }

  private static String normalise(String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT).replace("##", "").replaceAll("\\s+", "");
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

  static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
