package org.corpusqa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.bench.BenchCorpus;
import org.corpusqa.bench.BenchModels;
import org.corpusqa.bench.BenchRun;
import org.corpusqa.bench.BenchSettings;
import org.corpusqa.bench.SparkJobBench;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.model.ModelTask;
import org.corpusqa.qa.EngineOptions;
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

    @Option(names = "--squad",
        description = "Documents: the contexts of a SQuAD-format file (XQuAD, say), one document each.")
    Path squad;

    @Option(names = "--synthetic", defaultValue = "30",
        description = "Generate this many contract-like documents of mixed lengths (default: ${DEFAULT-VALUE}).")
    int synthetic = 30;
  }

  @Option(names = "--input-format",
      description = "Format of --corpus: one of ${COMPLETION-CANDIDATES} (default: what the file names say).")
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

  @Option(names = "--forward", defaultValue = "model",
      description = "model: run the model; none: a no-op that returns fixed logits instantly, to measure the host"
          + " side alone (tokenizing, windowing, tensors, decoding); only the host and heap sections (default: ${DEFAULT-VALUE}).")
  String forward;

  @Option(names = "--skip-spark", description = "Leave out the Spark job measurement.")
  boolean skipSpark;

  @Option(names = "--out", defaultValue = "bench.json", description = "JSON file to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Mixin WarehouseOption warehouse;

  @Mixin BatchingOptions batching;

  @Override
  public Integer call() throws IOException {
    BenchSettings settings = settings();
    boolean hostOnly = hostOnly();
    Path scratch = Files.createTempDirectory("corpus-qa-bench");
    SparkSession spark = Sessions.create("corpus-qa bench", scratch.resolve("warehouse").toString());
    try {
      BenchRun.Builder bench = BenchRun.builder()
          .setModels(BenchModels.load(model, referenceModel, spark.sparkContext().hadoopConfiguration(),
              settings.queries().get(0).isClassification() ? ModelTask.TEXT_CLASSIFICATION
                  : ModelTask.QUESTION_ANSWERING))
          .setCorpus(benchCorpus(spark))
          .setSettings(settings)
          .optListener(BenchCommand::print)
          .optHostOnly(hostOnly);
      // The Spark job bench runs answer queries; classification benches measure the model and the engine.
      if (!skipSpark && !hostOnly && !settings.queries().get(0).isClassification()) {
        bench.optSparkJob(new SparkJobBench(spark, model, scratch));
      }
      write(bench.build().run());
      return 0;
    } finally {
      spark.stop();
    }
  }

  private boolean hostOnly() {
    return switch (forward) {
      case "model" -> false;
      case "none" -> true;
      default -> throw new ConfigException("Cannot bench: --forward must be model or none, got: " + forward);
    };
  }

  private BenchSettings settings() {
    List<Query> parsedQueries = QueriesFile.read(queries);
    if (parsedQueries.stream().anyMatch(Query::isClassification)
        && !parsedQueries.stream().allMatch(Query::isClassification)) {
      throw new ConfigException("Cannot bench " + queries + ": it mixes classification queries (task: classify) with"
          + " questions; a bench measures one model, so give it queries of one kind");
    }
    // The bench runs its models on the CPU.
    EngineOptions options = batching.engineOptions().forDevice(false);
    int threads = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (threads < 1 || seconds <= 0) {
      throw new ConfigException("Cannot bench: --workers and --seconds must be positive, got: " + threads + ", " + seconds);
    }
    return new BenchSettings(parsedQueries, options, threads, seconds, heapDocs);
  }

  private BenchCorpus benchCorpus(SparkSession spark) {
    if (corpus.squad != null) {
      return BenchCorpus.squadContexts(corpus.squad);
    }
    return corpus.path == null
        ? BenchCorpus.synthetic(corpus.synthetic)
        : BenchCorpus.read(spark, corpus.path, inputFormat);
  }

  private void write(Map<String, Object> report) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  private static void print(String what, Object figures) {
    System.out.println(what + ": " + figures);
  }
}
