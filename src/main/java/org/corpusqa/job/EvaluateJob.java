package org.corpusqa.job;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.eval.EvalContext;
import org.corpusqa.eval.EvalDataset;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvalQuestion;
import org.corpusqa.eval.SquadMetrics;
import org.corpusqa.io.EvaluationsTable;
import org.corpusqa.io.IcebergTable;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.QaEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code evaluate}: answers labelled questions with the same engine and partition function as
 * {@code run}, writes the official SQuAD files (predictions.json, na_probs.json) and metrics.json,
 * and appends the result to the evaluations table.
 */
public final class EvaluateJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
  private static final StructType INPUT =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("text", DataTypes.StringType, false)
          .add("questions", DataTypes.createArrayType(
              new StructType().add("id", DataTypes.StringType, false).add("question", DataTypes.StringType, false),
              false), false);

  private final SparkSession spark;
  private final EvaluateOptions options;

  public EvaluateJob(SparkSession spark, EvaluateOptions options) {
    this.spark = spark;
    this.options = options;
  }

  public EvaluationResult run() {
    EvalDataset dataset = options.dataset();
    ModelBundle bundle =
        ModelBundle.open(BundleLocator.localDirectory(options.modelUri(), spark.sparkContext().hadoopConfiguration()));
    ModelCache.configureEngine(Integer.parseInt(spark.conf().get("spark.task.cpus", "1")));
    QaModel model = ModelCache.get(bundle, Device.cpu());
    try {
      new QaEngine(model.tokenizer(), bundle.manifest().maxSeqLen(), options.engineOptions())
          .checkSettings("these settings", options.settings());
    } catch (IllegalArgumentException e) {
      throw new org.corpusqa.config.ConfigException(e.getMessage(), e);
    }
    try {
      Files.createDirectories(options.out());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create output directory " + options.out(), e);
    }
    IcebergTable table = EvaluationsTable.of(spark, options.table());
    table.createIfMissing();

    String runId = AnswerJob.newRunId();
    List<EvalQuestion> questions = dataset.questions();
    LOG.info("Evaluation {}: model {} ({}), {} questions of {} ({})", runId, bundle.manifest().name(),
        bundle.sha256(), questions.size(), dataset.source(), dataset.format().key());

    Map<String, Row> best = answer(dataset, bundle, runId);
    // Written in data-file order: the official v2.0 sweep breaks ties in the na_probs file's order.
    LinkedHashMap<String, String> predictions = new LinkedHashMap<>();
    LinkedHashMap<String, Double> naProbs = new LinkedHashMap<>();
    for (EvalQuestion q : questions) {
      Row row = best.get(q.id());
      predictions.put(q.id(), row.isNullAt(0) ? "" : row.getString(0));
      naProbs.put(q.id(), row.getDouble(1));
    }
    Map<String, Object> metrics = metrics(dataset.format(), questions, predictions, naProbs);
    write("predictions.json", predictions);
    if (dataset.format().hasUnanswerable()) {
      write("na_probs.json", naProbs);
    }
    write("metrics.json", metrics);
    table.append(evaluationRow(runId, bundle, dataset, metrics));
    return new EvaluationResult(runId, bundle.manifest().name(), dataset.format(), questions.size(), metrics);
  }

  /** The rank-1 answer text (null for no answer) and the no-answer score of every question. */
  private Map<String, Row> answer(EvalDataset dataset, ModelBundle bundle, String runId) {
    List<Row> rows = new ArrayList<>(dataset.contexts().size());
    for (EvalContext c : dataset.contexts()) {
      List<Row> asked = new ArrayList<>(c.questions().size());
      for (EvalQuestion q : c.questions()) {
        asked.add(RowFactory.create(q.id(), q.question()));
      }
      rows.add(RowFactory.create(c.docId(), c.text(), asked));
    }
    // A local relation is spread over the default parallelism when it is scanned.
    Dataset<Row> input = spark.createDataFrame(rows, INPUT);
    LongAccumulator documents = spark.sparkContext().longAccumulator("corpusqa.eval.documents");
    LongAccumulator windows = spark.sparkContext().longAccumulator("corpusqa.eval.windows");
    AnswerTask task =
        new AnswerTask(BundleLocator.forExecutors(options.modelUri()), bundle.sha256(), bundle.manifest().name(), List.of(), true,
            options.settings(), options.engineOptions(), runId, Instant.now().toEpochMilli() * 1000,
            null, java.util.Set.of(), SerializableConf.of(spark.sparkContext().hadoopConfiguration()),
            FaultInjection.NONE);
    long started = System.nanoTime();
    List<Row> ranked =
        input.mapPartitions(new PartitionAnswerer(task, documents, windows), Encoders.row(PartitionAnswerer.OUTPUT))
            .filter(functions.col("rank").equalTo(1).or(functions.col("failure").isNotNull()))
            .select("query_id", "answer", "null_score", "failure")
            .collectAsList();
    LOG.info("Evaluation {}: {} questions over {} texts, {} windows in {} s", runId, ranked.size(),
        documents.value(), windows.value(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
    Map<String, Row> byId = new HashMap<>();
    for (Row r : ranked) {
      // A question the model failed on is predicted as no answer, with no-answer probability 1.
      byId.put(r.getString(0), r.isNullAt(3) ? RowFactory.create(r.get(1), r.get(2)) : RowFactory.create(null, 1.0));
    }
    return byId;
  }

  static Map<String, Object> metrics(
      EvalFormat format, List<EvalQuestion> questions, Map<String, String> predictions,
      LinkedHashMap<String, Double> naProbs) {
    if (format == EvalFormat.SQUAD_V1_1) {
      return SquadMetrics.v11(questions, predictions);
    }
    Map<String, Object> metrics = SquadMetrics.v20(questions, predictions, naProbs);
    if (format == EvalFormat.CONTRACTS) {
      Map<String, List<EvalQuestion>> byQuery = new LinkedHashMap<>();
      for (EvalQuestion q : questions) {
        byQuery.computeIfAbsent(q.query(), k -> new ArrayList<>()).add(q);
      }
      Map<String, Object> perQuery = new LinkedHashMap<>();
      byQuery.forEach((query, subset) -> {
        LinkedHashMap<String, Double> subsetProbs = new LinkedHashMap<>();
        for (EvalQuestion q : subset) {
          subsetProbs.put(q.id(), naProbs.get(q.id()));
        }
        perQuery.put(query, SquadMetrics.v20(subset, predictions, subsetProbs));
      });
      metrics.put("per_query", perQuery);
    }
    return metrics;
  }

  private void write(String name, Object value) {
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(options.out().resolve(name).toFile(), value);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + options.out().resolve(name), e);
    }
  }

  private Row evaluationRow(String runId, ModelBundle bundle, EvalDataset dataset, Map<String, Object> m) {
    boolean v1 = dataset.format() == EvalFormat.SQUAD_V1_1;
    String settings;
    String metricsJson;
    try {
      ObjectMapper json = new ObjectMapper();
      settings = json.writeValueAsString(options.settings().asMap());
      metricsJson = json.writeValueAsString(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RowFactory.create(
        runId, new Timestamp(System.currentTimeMillis()), bundle.manifest().name(), bundle.sha256(),
        dataset.source(), dataset.sha256(), dataset.format().key(), settings, dataset.questions().size(),
        (Double) m.get(v1 ? "exact_match" : "exact"), (Double) m.get("f1"),
        (Double) m.get("HasAns_exact"), (Double) m.get("HasAns_f1"),
        (Double) m.get("NoAns_exact"), (Double) m.get("NoAns_f1"),
        (Double) m.get("best_f1"), (Double) m.get("best_f1_thresh"), metricsJson);
  }
}
