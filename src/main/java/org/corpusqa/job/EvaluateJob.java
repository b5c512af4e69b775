package org.corpusqa.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import org.corpusqa.config.EvaluateOptions;
import org.corpusqa.eval.EvalContext;
import org.corpusqa.eval.EvalDataset;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvalQuestion;
import org.corpusqa.eval.EvaluationResult;
import org.corpusqa.eval.SquadMetrics;
import org.corpusqa.executor.AnswerTask;
import org.corpusqa.executor.PartitionAnswerer;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.Catalogs;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.EvaluationsTable;
import org.corpusqa.io.SerializableConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code evaluate}: answers labelled questions with the same engine and partition function as
 * {@code run}, writes the official SQuAD files (predictions.json, na_probs.json) and metrics.json,
 * and appends the result to the evaluations table.
 */
public final class EvaluateJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
  /** The model stage's input: one row per text with its labelled (id, question) structs. */
  static final StructType INPUT =
      new StructType()
          .add(CorpusSource.DOC_ID, DataTypes.StringType, false)
          .add(CorpusSource.TEXT, DataTypes.StringType, false)
          .add(CorpusSource.QUESTIONS, DataTypes.createArrayType(
              new StructType().add("id", DataTypes.StringType, false).add("question", DataTypes.StringType, false),
              false), false);

  private final SparkSession spark;
  private final EvalDataset dataset;
  private final EvaluateOptions options;

  /** {@code dataset}: the labelled data, read (and checked) before Spark started. */
  public EvaluateJob(SparkSession spark, EvalDataset dataset, EvaluateOptions options) {
    this.spark = spark;
    this.dataset = dataset;
    this.options = options;
  }

  public EvaluationResult run() {
    EvaluationsTable table = checkedTable(spark, options);
    DriverModel model = DriverModel.load(spark, options.modelUri());
    model.checkSettings(options.settings(), options.engineOptions());
    model.checkQuestions(dataset.questions(), options.settings(), options.engineOptions());
    createOutputs(options, table);

    String runId = AnswerJob.newRunId();
    List<EvalQuestion> questions = dataset.questions();
    LOG.info("Evaluation {}: model {} ({}), {} questions of {} ({})", runId, model.name(), model.sha256(),
        questions.size(), dataset.source(), dataset.format().key());
    JobSteps steps = new JobSteps(spark, "evaluate", runId);
    Map<String, Row> best;
    try {
      steps.begin("answering " + questions.size() + " labelled questions");
      best = answer(model, runId);
    } finally {
      steps.end();
    }
    Map<String, Object> metrics = new LinkedHashMap<>(score(questions, best));
    if (options.prefilter().isOn()) {
      // On the driver, without Spark jobs: the model's tokenizer cuts and picks the windows again.
      metrics.put("prefilter", PrefilterReport.of(model.engine(options.engineOptions()), dataset.contexts(),
          options.settings(), options.prefilter()));
      write("metrics.json", metrics);
    }
    EvaluationResult result = new EvaluationResult(runId, model.name(), dataset.format(), questions.size(), metrics);
    table.append(result, model.sha256(), dataset, options.settings());
    return result;
  }

  /** The evaluations table, where it is found writable and not left at the catalog's root: before any model loads. */
  static EvaluationsTable checkedTable(SparkSession spark, EvaluateOptions options) {
    Catalogs.checkWarehouseWritable(spark);
    EvaluationsTable table = EvaluationsTable.in(spark, options.table());
    table.refuseRootPredecessor();
    return table;
  }

  /** The output directory and the evaluations table, once the model and the settings are checked. */
  static void createOutputs(EvaluateOptions options, EvaluationsTable table) {
    try {
      Files.createDirectories(options.out());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create output directory " + options.out(), e);
    }
    table.createIfMissing();
  }

  /**
   * Writes predictions.json and na_probs.json as the official scripts read them, then metrics.json;
   * returns the metrics. Written in data-file order: the official v2.0 sweep breaks ties in the
   * na_probs file's order.
   */
  private Map<String, Object> score(List<EvalQuestion> questions, Map<String, Row> best) {
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
    return metrics;
  }

  /** The rank-1 answer text (null for no answer) and the no-answer score of every question. */
  private Map<String, Row> answer(DriverModel model, String runId) {
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
    AnswerTask task = model.task()
        .setRun(runId, Instant.now())
        .setHadoopConf(SerializableConf.of(spark.sparkContext().hadoopConfiguration()))
        .setLabelledQuestions(options.settings(), options.prefilter())
        .optEngineOptions(options.engineOptions())
        .build();
    long started = System.nanoTime();
    List<Row> ranked =
        input.mapPartitions(new PartitionAnswerer(task, documents, windows), Encoders.row(AnswersTable.WITH_FAILURES))
            .filter(functions.col("rank").equalTo(1).or(functions.col(AnswersTable.FAILURE).isNotNull()))
            .select("query_id", "answer", "null_score", AnswersTable.FAILURE)
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
    writeJson(options.out().resolve(name), value);
  }

  /** An output file of an evaluation, as indented JSON. */
  static void writeJson(java.nio.file.Path file, Object value) {
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
