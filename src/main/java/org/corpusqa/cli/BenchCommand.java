package org.corpusqa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.bench.Benchmark;
import org.corpusqa.bench.HeapProfile;
import org.corpusqa.bench.NaiveBaseline;
import org.corpusqa.bench.SyntheticCorpus;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.job.AnswerJob;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.EngineStats;
import org.corpusqa.qa.Query;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corpus-qa bench}: measures, in one process, the model alone, the engine on a corpus, the
 * naive DJL baseline and the whole Spark job, and prints and writes the figures as JSON.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the model alone, the engine, the naive DJL baseline and the Spark job on one corpus.")
class BenchCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model bundle or Hugging Face folder, local or a Hadoop URI.")
  String model;

  @ArgGroup(exclusive = true)
  CorpusChoice corpus = new CorpusChoice();

  static final class CorpusChoice {
    @Option(names = "--corpus", description = "Corpus path or URI (read with --input-format).")
    String path;

    @Option(names = "--synthetic", defaultValue = "30",
        description = "Generate this many contract-like documents of mixed lengths (default: ${DEFAULT-VALUE}).")
    int synthetic = 30;
  }

  @Option(names = "--input-format", defaultValue = "parquet",
      description = "Format of --corpus: one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  InputFormat inputFormat;

  @Option(names = "--queries", defaultValue = "jobs/queries/contract-security.yaml",
      description = "Queries YAML file (default: ${DEFAULT-VALUE}).")
  Path queries;

  @Option(names = "--reference-model",
      description = "An fp32 TorchScript bundle of the same model: top answers are compared with it, and"
          + " its weights give the GFLOP/s of models that do not list theirs (ONNX, int8).")
  String referenceModel;

  @Option(names = "--workers", description = "Threads side by side, one intra-op thread each, as Spark's"
      + " tasks (default: the machine's processors).")
  Integer workers;

  @Option(names = "--seconds", defaultValue = "10", description = "Time per fixed-shape measurement (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--heap-docs", split = ",",
      description = "Also measure the heap a stream of this many short documents retains, e.g. 1000,100000.")
  List<Integer> heapDocs = new ArrayList<>();

  @Option(names = "--skip-spark", description = "Leave out the Spark job measurement.")
  boolean skipSpark;

  @Option(names = "--out", defaultValue = "bench.json", description = "JSON file to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Mixin WarehouseOption warehouse;

  @Mixin BatchingOptions batching;

  @Override
  public Integer call() throws IOException {
    List<Query> parsedQueries = QueriesFile.read(queries);
    EngineOptions options = batching.engineOptions();
    int threads = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (threads < 1 || seconds <= 0) {
      throw new ConfigException("Cannot bench: --workers and --seconds must be positive, got: " + threads + ", " + seconds);
    }
    Path scratch = Files.createTempDirectory("corpus-qa-bench");
    SparkSession spark = Sessions.create("corpus-qa bench", scratch.resolve("warehouse").toString());
    try {
      // One intra-op thread per worker, as in a Spark task with spark.task.cpus=1; set before the
      // first model loads, since PyTorch takes its thread count once per JVM.
      ModelCache.configureEngine(1);
      var hadoop = spark.sparkContext().hadoopConfiguration();
      ModelBundle bundle = ModelBundle.open(BundleLocator.localDirectory(model, hadoop));
      QaModel qaModel = ModelCache.get(bundle, ai.djl.Device.cpu());
      QaModel reference = referenceModel == null ? null
          : ModelCache.get(ModelBundle.open(BundleLocator.localDirectory(referenceModel, hadoop)), ai.djl.Device.cpu());
      List<Document> docs = corpus.path == null
          ? SyntheticCorpus.generate(corpus.synthetic, 42) : read(spark, corpus.path);

      Map<String, Object> report = new LinkedHashMap<>();
      report.put("model", Map.of("name", bundle.manifest().name(), "format", bundle.format().name().toLowerCase(),
          "precision", bundle.manifest().precision().key(), "sha256", bundle.sha256()));
      report.put("machine", Map.of("processors", Runtime.getRuntime().availableProcessors(), "workers", threads,
          "os_arch", System.getProperty("os.arch")));
      report.put("corpus", Map.of("documents", docs.size(), "source", corpus.path == null ? "synthetic" : corpus.path,
          "queries", parsedQueries.size()));
      var arithmetic = org.corpusqa.bench.ModelArithmetic.of(qaModel, reference);

      Benchmark bench = new Benchmark(qaModel, parsedQueries, options, threads, seconds);
      report.put("model_alone", bench.modelAlone(arithmetic));
      print("model alone", report.get("model_alone"));

      Benchmark.EngineRun run = bench.engine(docs);
      double replay = bench.replaySeconds(run);
      report.put("engine", engineReport(run, replay));
      print("engine", report.get("engine"));

      if (reference != null) {
        Benchmark.EngineRun fp32 = new Benchmark(reference, parsedQueries, options, threads, seconds).engine(docs);
        Map<String, Object> versus = new LinkedHashMap<>();
        versus.put("reference", reference.bundle().manifest().name());
        versus.put("reference_windows_per_s", Benchmark.round(fp32.stats().windows() / fp32.wallSeconds()));
        versus.put("speedup", Benchmark.round(fp32.wallSeconds() / run.wallSeconds()));
        versus.put("top_answers_identical_share", Benchmark.round(Benchmark.topAnswerAgreement(fp32.results(), run.results())));
        report.put("versus_reference", versus);
        print("versus reference", versus);
      }

      // The naive baseline runs in fp32 when there is a reference: the user's alternative is the
      // stock translator on the model as published.
      List<Document> single = NaiveBaseline.oneWindowDocuments(docs, run.results());
      Map<String, Object> naive =
          new NaiveBaseline(reference == null ? qaModel : reference, parsedQueries, options, threads).measure(single);
      if (reference != null && !single.isEmpty()) {
        // Best of as many passes as the baseline had, so that both sides are timed alike.
        double best = Double.POSITIVE_INFINITY;
        long windows = 0;
        for (int round = 0; round < NaiveBaseline.ROUNDS; round++) {
          Benchmark.EngineRun ours = bench.engine(single);
          best = Math.min(best, ours.wallSeconds());
          windows = ours.stats().windows();
        }
        double rate = windows / best;
        naive.put("bench_model_windows_per_s", Benchmark.round(rate));
        naive.put("bench_model_speedup", Benchmark.round(rate / (Double) naive.get("windows_per_s")));
      }
      report.put("naive_baseline", naive);
      print("naive baseline", naive);

      if (!skipSpark) {
        report.put("spark_job", sparkJob(spark, docs, parsedQueries, options, run, scratch));
        print("spark job", report.get("spark_job"));
      }
      if (!heapDocs.isEmpty()) {
        List<Object> heap = new ArrayList<>();
        for (int n : heapDocs) {
          heap.add(HeapProfile.measure(qaModel, parsedQueries, options, n));
          print("heap", heap.get(heap.size() - 1));
        }
        report.put("heap", heap);
      }
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      json.writeValue(out.toFile(), report);
      System.out.println("wrote " + out.toAbsolutePath());
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static Map<String, Object> engineReport(Benchmark.EngineRun run, double replaySeconds) {
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
    e.put("model_alone_same_batches_s", Benchmark.round(replaySeconds));
    e.put("engine_share_of_model_alone", Benchmark.round(replaySeconds / run.wallSeconds()));
    return e;
  }

  private Map<String, Object> sparkJob(SparkSession spark, List<Document> docs, List<Query> queries,
      EngineOptions options, Benchmark.EngineRun engine, Path scratch) throws IOException {
    String modelUri = model;
    // Parquet, as the corpora the job is run on are: JSON would add a schema-inference pass.
    Path input = scratch.resolve("corpus.parquet");
    List<Row> rows = new ArrayList<>();
    for (Document d : docs) {
      rows.add(RowFactory.create(d.id(), d.text()));
    }
    spark.createDataFrame(rows, new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType))
        .coalesce(1).write().parquet(input.toString());
    // Full mode, so every document reaches the model however often the bench runs; no quarantine limit.
    RunOptions run = RunOptions.builder().setInput(input.toString()).setQueries(queries).setModel(modelUri)
        .optTables(new RunOptions.Tables("bench_answers", "bench_quarantine", "bench_runs"))
        .optMode(RunMode.FULL).optMaxQuarantineShare(1.0).optEngineOptions(options).build();
    long start = System.nanoTime();
    var summary = new AnswerJob(spark, run).run();
    double wall = (System.nanoTime() - start) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("master", spark.sparkContext().master());
    out.put("records_answered", summary.recordsAnswered());
    out.put("wall_s", Benchmark.round(wall));
    out.put("engine_wall_s", Benchmark.round(engine.wallSeconds()));
    out.put("overhead_over_engine", Benchmark.round(wall / engine.wallSeconds() - 1));
    // The run's own split: its model stage against the engine alone, and the fixed cost around it
    // (checks, triage, placement, counts, table commits), which a larger corpus spreads thinner.
    out.put("model_stage_s", Benchmark.round(summary.seconds()));
    out.put("model_stage_over_engine", Benchmark.round(summary.seconds() / engine.wallSeconds() - 1));
    out.put("fixed_s", Benchmark.round(wall - summary.seconds()));
    return out;
  }

  /** The corpus's documents, read with Spark as run reads them (id and text columns). */
  private List<Document> read(SparkSession spark, String path) {
    InputFormat format = inputFormat;
    List<Document> docs = new ArrayList<>();
    for (Row row : spark.read().format(format.sparkName()).load(path).select("doc_id", "text").collectAsList()) {
      if (row.getString(0) != null && row.getString(1) != null && !row.getString(1).isBlank()) {
        docs.add(new Document(row.getString(0), row.getString(1)));
      }
    }
    return docs;
  }

  private static void print(String what, Object figures) {
    System.out.println(what + ": " + figures);
  }
}
