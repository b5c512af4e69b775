package org.corpusqa.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineStats;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.QaTokenizer;
import org.corpusqa.qa.Query;

/**
 * One {@code bench}: measures each section in turn on the same models and corpus and returns the
 * report, its sections in the order measured. Each section goes to the listener as soon as it is
 * measured, since a whole bench takes minutes.
 */
public final class BenchRun {
  /** Host-side rounds run before the measured ones, for class loading and the JIT. */
  private static final double HOST_WARM_UP_SECONDS = 3;

  /** Told each section's figures as soon as they are measured. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (section, figures) -> {};

    void measured(String section, Object figures);
  }

  private final BenchModels models;
  private final BenchCorpus corpus;
  private final BenchSettings settings;
  private final SparkJobBench sparkJob;
  private final Listener listener;
  private final boolean hostOnly;
  private final Benchmark bench;

  private BenchRun(Builder builder) {
    this.models = Objects.requireNonNull(builder.models, "models");
    this.corpus = Objects.requireNonNull(builder.corpus, "corpus");
    this.settings = Objects.requireNonNull(builder.settings, "settings");
    this.sparkJob = builder.sparkJob;
    this.listener = builder.listener;
    this.hostOnly = builder.hostOnly;
    this.bench = new Benchmark(models.model(), settings.queries(), settings.options(), settings.workers(),
        settings.seconds());
  }

  public static Builder builder() {
    return new Builder();
  }

  public Map<String, Object> run() {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", modelFigures());
    report.put("machine", machineFigures());
    report.put("corpus", corpusFigures());
    if (hostOnly) {
      section(report, "host", "host side (no model)", host());
      if (!settings.heapDocs().isEmpty()) {
        report.put("heap", heap());
      }
      return report;
    }
    section(report, "model_alone", "model alone", modelAlone());
    Benchmark.EngineRun engineRun = bench.engine(docs());
    section(report, "engine", "engine", engine(engineRun));
    if (settings.queries().stream().anyMatch(q -> q.prefilter().isOn())) {
      section(report, "prefilter", "prefilter", prefilter(engineRun));
    }
    if (models.reference() != null && !models.classifies()) {
      section(report, "versus_reference", "versus reference", versusReference(engineRun));
    }
    // DJL's stock translator answers questions only.
    if (!models.classifies()) {
      section(report, "naive_baseline", "naive baseline", naiveBaseline(engineRun));
    }
    if (sparkJob != null) {
      section(report, "spark_job", "spark job", sparkJob.measure(docs(), settings, engineRun));
    }
    if (!settings.heapDocs().isEmpty()) {
      report.put("heap", heap());
    }
    return report;
  }

  private void section(Map<String, Object> report, String key, String name, Map<String, Object> figures) {
    report.put(key, figures);
    listener.measured(name, figures);
  }

  // The three header sections were Map.of, whose iteration order changes from one JVM to the next;
  // they keep the order they were written in, so that two reports compare line by line.
  private Map<String, Object> modelFigures() {
    ModelBundle bundle = models.bundle();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", bundle.manifest().name());
    out.put("format", bundle.format().name().toLowerCase());
    out.put("precision", bundle.manifest().precision().key());
    out.put("sha256", bundle.sha256());
    return out;
  }

  private Map<String, Object> machineFigures() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("processors", Runtime.getRuntime().availableProcessors());
    out.put("workers", settings.workers());
    out.put("os_arch", System.getProperty("os.arch"));
    return out;
  }

  private Map<String, Object> corpusFigures() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("documents", docs().size());
    out.put("source", corpus.source());
    out.put("queries", settings.queries().size());
    return out;
  }

  private List<Document> docs() {
    return corpus.documents();
  }

  private Map<String, Object> modelAlone() {
    return bench.modelAlone(ModelArithmetic.of(models.model(), models.reference()));
  }

  /** The engine on the corpus, held against the model alone on that run's own batches. */
  private Map<String, Object> engine(Benchmark.EngineRun run) {
    double replaySeconds = bench.replaySeconds(run);
    EngineStats s = run.stats();
    double busy = (s.tokenizeNanos() + s.forwardNanos() + s.decodeNanos()) / 1e9;
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("documents", s.documents());
    e.put("questions", s.questions());
    e.put("windows", s.windows());
    e.put("batches", s.batches());
    e.put("wall_s", Benchmark.round(run.wallSeconds()));
    e.put("windows_per_s", Benchmark.round(s.windows() / run.wallSeconds()));
    e.put("real_tokens_per_s", Benchmark.round(s.realTokens() / run.wallSeconds()));
    e.put("padding_efficiency", Benchmark.round(s.paddingEfficiency()));
    e.put("time_share_tokenize", Benchmark.round(s.tokenizeNanos() / 1e9 / busy));
    e.put("time_share_forward", Benchmark.round(s.forwardNanos() / 1e9 / busy));
    e.put("time_share_decode", Benchmark.round(s.decodeNanos() / 1e9 / busy));
    e.put("overlap", settings.options().overlap().name().toLowerCase(java.util.Locale.ROOT));
    // With overlap, the time the task's thread had nothing to do but wait for the model.
    e.put("host_waited_for_model_s", Benchmark.round(s.forwardWaitNanos() / 1e9));
    e.put("model_alone_same_batches_s", Benchmark.round(replaySeconds));
    e.put("engine_share_of_model_alone", Benchmark.round(replaySeconds / run.wallSeconds()));
    return e;
  }

  /**
   * The host side alone: the engine with a forward pass that returns fixed logits instantly, so
   * that what remains is what a GPU would wait for. Per core from wall time (the workers run side by
   * side, one per core) and from the CPU time the worker threads used (steadier on a shared machine);
   * each stage's seconds are summed over the workers. Passes over the corpus repeat for {@code
   * --seconds} after a warm-up. The answers' digest tells whether a change to the host code changed
   * any answer on the same inputs. With a tokenizer of BERT's kind, the same passes again with the
   * library tokenizing every text, against the Java tokenizer.
   */
  private Map<String, Object> host() {
    QaTokenizer tokenizer = models.model().tokenizer();
    // The documents' tokens, for the tokenizer's cost per token (questions are tokenized once per run).
    long tokensPerPass = docs().stream().mapToLong(d -> tokenizer.tokenize(d.text()).size()).sum();
    Map<String, Object> h = hostFigures(bench.hostOnlyRounds(docs(), HOST_WARM_UP_SECONDS), tokensPerPass);
    if (tokenizer.hasJavaWordPiece()) {
      // The same rounds with the library tokenizing every text: the Java path's gain, and its answers.
      tokenizer.useJavaWordPiece(false);
      try {
        Map<String, Object> library = hostFigures(bench.hostOnlyRounds(docs(), HOST_WARM_UP_SECONDS), tokensPerPass);
        Map<String, Object> versus = new LinkedHashMap<>();
        versus.put("windows_per_s_per_core", library.get("windows_per_s_per_core"));
        versus.put("windows_per_cpu_s", library.get("windows_per_cpu_s"));
        versus.put("stage_us_per_window", library.get("stage_us_per_window"));
        versus.put("tokenize_us_per_token", library.get("tokenize_us_per_token"));
        // From wall time: with tokenizer threads the workers' CPU time leaves the tokenizing out.
        versus.put("java_speedup", Benchmark.round(
            (Double) h.get("windows_per_s_per_core") / (Double) library.get("windows_per_s_per_core")));
        versus.put("answers_identical", library.get("answers_sha256").equals(h.get("answers_sha256")));
        h.put("library_tokenizer", versus);
      } finally {
        tokenizer.useJavaWordPiece(true);
      }
    }
    return h;
  }

  private Map<String, Object> hostFigures(Benchmark.EngineRun run, long tokensPerPass) {
    EngineStats s = run.stats();
    Map<String, Object> h = new LinkedHashMap<>();
    // Counters are summed over the passes.
    long passes = s.documents() / Math.max(1, docs().size());
    h.put("passes", passes);
    h.put("documents", s.documents());
    h.put("questions", s.questions());
    h.put("windows", s.windows());
    h.put("batches", s.batches());
    h.put("wall_s", Benchmark.round(run.wallSeconds()));
    h.put("cpu_s", Benchmark.round(run.cpuSeconds()));
    h.put("windows_per_s", Benchmark.round(s.windows() / run.wallSeconds()));
    h.put("windows_per_s_per_core", Benchmark.round(s.windows() / run.wallSeconds() / settings.workers()));
    h.put("windows_per_cpu_s", Benchmark.round(s.windows() / run.cpuSeconds()));
    // Tokenizer threads (--tokenizer-threads) work beside each worker; cpu_s counts the workers only.
    h.put("tokenizer_threads_per_worker", settings.options().tokenizerThreads());
    h.put("java_tokenizer", models.model().tokenizer().hasJavaWordPiece());
    h.put("overlap", settings.options().overlap().name().toLowerCase(java.util.Locale.ROOT));
    h.put("waited_for_tokenizer_threads_s", Benchmark.round(s.tokenizeWaitNanos() / 1e9));
    Map<String, Long> stages = new LinkedHashMap<>();
    stages.put("tokenize", s.tokenizeNanos());
    stages.put("prefilter", s.prefilterNanos());
    stages.put("windowing", s.windowNanos());
    stages.put("tensors", s.tensorNanos());
    stages.put("forward_none", s.forwardNanos());
    stages.put("decode", s.decodeNanos());
    Map<String, Object> seconds = new LinkedHashMap<>();
    Map<String, Object> perWindow = new LinkedHashMap<>();
    stages.forEach((stage, nanos) -> {
      seconds.put(stage, Benchmark.round(nanos / 1e9));
      perWindow.put(stage, Benchmark.round(nanos / 1e3 / Math.max(1, s.windows())));
    });
    h.put("stage_s", seconds);
    h.put("stage_us_per_window", perWindow);
    h.put("tokenize_us_per_token", Benchmark.round(s.tokenizeNanos() / 1e3 / Math.max(1, passes * tokensPerPass)));
    h.put("answers_sha256", Benchmark.answersSha256(run.results()));
    return h;
  }

  /**
   * What the queries' prefilters save and cost: the same engine run with every prefilter off,
   * against the run with them: windows, wall time, the prefilter's own time (analysing documents
   * and scoring windows) against the time it saved, and how often the top answers stay the same.
   */
  private Map<String, Object> prefilter(Benchmark.EngineRun with) {
    List<Query> off = settings.queries().stream()
        .map(q -> new Query(q.id(), q.question(), q.settings(), Prefilter.OFF)).toList();
    Benchmark.EngineRun without = new Benchmark(models.model(), off, settings.options(), settings.workers(),
        settings.seconds()).engine(docs());
    double prefilterSeconds = with.stats().prefilterNanos() / 1e9 / settings.workers();
    double saved = without.wallSeconds() - with.wallSeconds();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("windows_read", with.stats().windows());
    p.put("windows_total", with.stats().windows() + with.stats().windowsSkipped());
    p.put("windows_fewer_factor", Benchmark.round((double) without.stats().windows() / Math.max(1, with.stats().windows())));
    p.put("wall_s_with", Benchmark.round(with.wallSeconds()));
    p.put("wall_s_without", Benchmark.round(without.wallSeconds()));
    p.put("prefilter_s", Benchmark.round(prefilterSeconds));
    p.put("prefilter_percent_of_time_saved", saved > 0 ? Benchmark.round(100 * prefilterSeconds / saved) : null);
    p.put("top_answers_identical_share", Benchmark.round(Benchmark.topAnswerAgreement(without.results(), with.results())));
    return p;
  }

  /** The engine on the fp32 reference, for speed and for how often the top answers agree. */
  private Map<String, Object> versusReference(Benchmark.EngineRun run) {
    Benchmark.EngineRun fp32 = new Benchmark(models.reference(), settings.queries(), settings.options(),
        settings.workers(), settings.seconds()).engine(docs());
    Map<String, Object> versus = new LinkedHashMap<>();
    versus.put("reference", models.reference().bundle().manifest().name());
    versus.put("reference_windows_per_s", Benchmark.round(fp32.stats().windows() / fp32.wallSeconds()));
    versus.put("speedup", Benchmark.round(fp32.wallSeconds() / run.wallSeconds()));
    versus.put("top_answers_identical_share",
        Benchmark.round(Benchmark.topAnswerAgreement(fp32.results(), run.results())));
    return versus;
  }

  /** DJL's stock translator on the one-window documents, against the engine on the same ones. */
  private Map<String, Object> naiveBaseline(Benchmark.EngineRun run) {
    List<Document> single = NaiveBaseline.oneWindowDocuments(docs(), run.results());
    Map<String, Object> naive =
        new NaiveBaseline(models.baselineModel(), settings.queries(), settings.options(), settings.workers())
            .measure(single);
    if (models.reference() != null && !single.isEmpty()) {
      // The baseline ran on the reference: add the benched model's engine on the same documents.
      double rate = bestEngineWindowsPerSecond(single);
      naive.put("bench_model_windows_per_s", Benchmark.round(rate));
      naive.put("bench_model_speedup", Benchmark.round(rate / (Double) naive.get("windows_per_s")));
    }
    return naive;
  }

  private double bestEngineWindowsPerSecond(List<Document> single) {
    // Best of as many passes as the baseline had, so that both sides are timed alike.
    double best = Double.POSITIVE_INFINITY;
    long windows = 0;
    for (int round = 0; round < NaiveBaseline.ROUNDS; round++) {
      Benchmark.EngineRun ours = bench.engine(single);
      best = Math.min(best, ours.wallSeconds());
      windows = ours.stats().windows();
    }
    return windows / best;
  }

  /** The heap one stream retains, for each stream length asked for. */
  private List<Object> heap() {
    List<Object> heap = new ArrayList<>();
    for (int documents : settings.heapDocs()) {
      Map<String, Object> figures =
          HeapProfile.measure(models.model(), settings.queries(), settings.options(), documents);
      heap.add(figures);
      listener.measured("heap", figures);
    }
    return heap;
  }

  /** Models, corpus and settings are required; the Spark job is measured only when given. */
  public static final class Builder {
    private BenchModels models;
    private BenchCorpus corpus;
    private BenchSettings settings;
    private SparkJobBench sparkJob;
    private Listener listener = Listener.NONE;
    private boolean hostOnly;

    private Builder() {}

    public Builder setModels(BenchModels models) {
      this.models = models;
      return this;
    }

    public Builder setCorpus(BenchCorpus corpus) {
      this.corpus = corpus;
      return this;
    }

    public Builder setSettings(BenchSettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder optSparkJob(SparkJobBench sparkJob) {
      this.sparkJob = sparkJob;
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = listener;
      return this;
    }

    /** Measures the host side alone (no model runs), instead of the model, engine and job sections. */
    public Builder optHostOnly(boolean hostOnly) {
      this.hostOnly = hostOnly;
      return this;
    }

    public BenchRun build() {
      return new BenchRun(this);
    }
  }
}
