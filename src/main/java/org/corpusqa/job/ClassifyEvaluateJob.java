package org.corpusqa.job;

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
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.EvaluateOptions;
import org.corpusqa.eval.ClassificationData;
import org.corpusqa.eval.ClassificationMetrics;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvaluationResult;
import org.corpusqa.executor.AnswerTask;
import org.corpusqa.executor.PartitionAnswerer;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.EvaluationsTable;
import org.corpusqa.io.LabelsTable;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelTask;
import org.corpusqa.qa.Classification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code evaluate --format glue | yesno}: labels labelled examples with the same engine and
 * partition function as {@code run}'s labelling stage, scores them with scikit-learn's definitions
 * ({@link ClassificationMetrics}), writes predictions.json and metrics.json and appends the result
 * to the evaluations table. Class {@code i} of the data is the model's label {@code i}.
 */
public final class ClassifyEvaluateJob {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifyEvaluateJob.class);

  private final SparkSession spark;
  private final List<ClassificationData.Example> examples;
  private final EvalFormat format;
  private final String source;
  private final String sourceSha256;
  private final EvaluateOptions options;

  /** {@code examples}: the labelled data, read (and checked) before Spark started, from {@code source}. */
  public ClassifyEvaluateJob(SparkSession spark, List<ClassificationData.Example> examples, EvalFormat format,
      String source, String sourceSha256, EvaluateOptions options) {
    if (!format.isClassification()) {
      throw new IllegalArgumentException(format.key() + " is scored as SQuAD: use EvaluateJob");
    }
    this.spark = spark;
    this.examples = List.copyOf(examples);
    this.format = format;
    this.source = source;
    this.sourceSha256 = sourceSha256;
    this.options = options;
  }

  public EvaluationResult run() {
    EvaluationsTable table = EvaluateJob.checkedTable(spark, options);
    ModelBundle bundle = DriverModel.open(spark, options.modelUri());
    List<String> labels = checkModel(bundle);
    DriverModel model = DriverModel.load(spark, options.modelUri(), bundle);
    model.checkSettings(options.settings(), options.engineOptions());
    EvaluateJob.createOutputs(options, table);

    String runId = AnswerJob.newRunId();
    LOG.info("Evaluation {}: model {} ({}), {} examples of {} ({})", runId, model.name(), model.sha256(),
        examples.size(), source, format.key());
    JobSteps steps = new JobSteps(spark, "evaluate", runId);
    Map<String, String> predicted;
    try {
      steps.begin("labelling " + examples.size() + " examples");
      predicted = label(model, runId);
    } finally {
      steps.end();
    }
    Map<String, String> gold = new LinkedHashMap<>();
    for (ClassificationData.Example e : examples) {
      gold.put(e.id(), labels.get(e.label()));
    }
    Map<String, Object> metrics = ClassificationMetrics.of(gold, predicted);
    Map<String, String> predictions = new LinkedHashMap<>();
    gold.keySet().forEach(id -> predictions.put(id, predicted.getOrDefault(id, ClassificationMetrics.MISSING)));
    write("predictions.json", predictions);
    write("metrics.json", metrics);
    EvaluationResult result = new EvaluationResult(runId, model.name(), format, examples.size(), metrics);
    table.appendClassification(result, model.sha256(), source, sourceSha256, settings());
    return result;
  }

  /** The model's labels, which must be a classifier's and cover every class of the data. */
  private List<String> checkModel(ModelBundle bundle) {
    if (bundle.manifest().task() != ModelTask.TEXT_CLASSIFICATION) {
      throw new ConfigException("Cannot evaluate --format " + format.key() + " with " + options.modelUri() + ": it is a "
          + bundle.manifest().task().key() + " model; give a text-classification model (an "
          + ModelTask.TEXT_CLASSIFICATION.autoClass() + " export)");
    }
    List<String> labels = bundle.manifest().labels();
    int highest = examples.stream().mapToInt(ClassificationData.Example::label).max().orElse(0);
    if (highest >= labels.size()) {
      throw new ConfigException("Cannot evaluate " + source + " with " + options.modelUri() + ": the data has class "
          + highest + " but the model has " + labels.size() + " labels " + labels + "; give a model trained for"
          + " this data's classes");
    }
    return labels;
  }

  /** Each example's predicted label by id; an example the model failed on has none. */
  private Map<String, String> label(DriverModel model, String runId) {
    List<Row> rows = new ArrayList<>(examples.size());
    for (ClassificationData.Example e : examples) {
      // The text alone is asked as an empty question, as a classify query without one.
      rows.add(RowFactory.create(e.id(), e.text(),
          List.of(RowFactory.create(e.id(), e.question() == null ? "" : e.question()))));
    }
    Dataset<Row> input = spark.createDataFrame(rows, EvaluateJob.INPUT);
    LongAccumulator documents = spark.sparkContext().longAccumulator("corpusqa.eval.documents");
    LongAccumulator windows = spark.sparkContext().longAccumulator("corpusqa.eval.windows");
    AnswerTask task = model.task()
        .setRun(runId, Instant.now())
        .setHadoopConf(SerializableConf.of(spark.sparkContext().hadoopConfiguration()))
        .setLabelledClassification(options.settings(), new Classification(options.aggregate(), null, 0.5))
        .optEngineOptions(options.engineOptions())
        .build();
    long started = System.nanoTime();
    List<Row> labelled =
        input.mapPartitions(new PartitionAnswerer(task, documents, windows), Encoders.row(LabelsTable.WITH_FAILURES))
            .select("query_id", "label", AnswersTable.FAILURE)
            .collectAsList();
    LOG.info("Evaluation {}: {} examples, {} windows in {} s", runId, labelled.size(), windows.value(),
        String.format("%.1f", (System.nanoTime() - started) / 1e9));
    Map<String, String> byId = new HashMap<>();
    for (Row r : labelled) {
      if (r.isNullAt(2) && !r.isNullAt(1)) {
        byId.put(r.getString(0), r.getString(1));
      }
    }
    return byId;
  }

  private Map<String, Object> settings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("max_seq_len", options.settings().maxSeqLen());
    settings.put("doc_stride", options.settings().docStride());
    settings.put("max_question_len", options.settings().maxQuestionLen());
    settings.put("aggregate", options.aggregate().key());
    return settings;
  }

  private void write(String name, Object value) {
    EvaluateJob.writeJson(options.out().resolve(name), value);
  }
}
