package org.corpusqa.job;

import ai.djl.Device;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.eval.EvalQuestion;
import org.corpusqa.executor.AnswerTask;
import org.corpusqa.io.RunsTable;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaTokenizer;
import org.corpusqa.qa.Query;

/**
 * The model as the driver sees it: opened, identified and loaded once on the CPU, before any data
 * is read, so that a broken model or a query its tokenizer cannot take fails the job at once. Tasks
 * load their own copy ({@link org.corpusqa.executor.PartitionAnswerer}) and check it against this
 * identity.
 */
final class DriverModel {
  private final String uri;
  private final ModelBundle bundle;
  private final QaModel model;

  private DriverModel(String uri, ModelBundle bundle, QaModel model) {
    this.uri = uri;
    this.bundle = bundle;
    this.model = model;
  }

  /** A question-answering model: opened, checked and loaded. */
  static DriverModel load(SparkSession spark, String uri) {
    return load(spark, uri, ModelBundle.open(BundleLocator.localDirectory(uri, spark.sparkContext().hadoopConfiguration())));
  }

  /**
   * A model of either task, opened and checked but not loaded: what it is decides where it goes
   * ({@link RunModels}), and a mistake there is cheaper to report before a model loads.
   */
  static ModelBundle open(SparkSession spark, String uri) {
    return ModelBundle.openAnyTask(BundleLocator.localDirectory(uri, spark.sparkContext().hadoopConfiguration()));
  }

  /** The model of an opened bundle, loaded on the driver's CPU. */
  static DriverModel load(SparkSession spark, String uri, ModelBundle bundle) {
    ModelCache.configureEngine(TaskSlots.cpusPerTask(spark));
    return new DriverModel(uri, bundle, ModelCache.get(bundle, Device.cpu()));
  }

  String name() {
    return bundle.manifest().name();
  }

  String sha256() {
    return bundle.sha256();
  }

  ModelTask modelTask() {
    return bundle.manifest().task();
  }

  RunsTable.ModelIdentity identity() {
    return new RunsTable.ModelIdentity(name(), sha256());
  }

  /**
   * Every query tokenized and checked against the model's window, as the tasks will, with the
   * bundle's tokenizer alone: a question too long for the window fails before the model loads.
   */
  static void checkQueries(ModelBundle bundle, List<Query> queries, EngineOptions options) {
    try (QaTokenizer tokenizer = QaModel.loadTokenizer(bundle)) {
      new QaEngine(tokenizer, bundle.manifest().maxSeqLen(), options, bundle.manifest().labels()).prepare(queries);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * Each labelled question with these settings, as the tasks will prepare it: the pipeline never
   * cuts a question, so one too long for the window stops the evaluation here, naming it, rather
   * than failing a task.
   */
  void checkQuestions(List<EvalQuestion> questions, DecodingSettings settings, EngineOptions options) {
    QaEngine engine = engine(options);
    java.util.Set<String> checked = new java.util.HashSet<>();
    try {
      for (EvalQuestion q : questions) {
        if (checked.add(q.question())) {
          engine.prepare(new Query(q.id(), q.question(), settings));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** Decoding settings checked against the model's window. */
  void checkSettings(DecodingSettings settings, EngineOptions options) {
    try {
      engine(options).checkSettings("these settings", settings);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** A task description for this model: where executors find it and the identity they must see. */
  AnswerTask.Builder task() {
    return AnswerTask.forModel(BundleLocator.forExecutors(uri), sha256(), name(), modelTask());
  }

  QaEngine engine(EngineOptions options) {
    return new QaEngine(model.tokenizer(), bundle.manifest().maxSeqLen(), options, bundle.manifest().labels());
  }
}
