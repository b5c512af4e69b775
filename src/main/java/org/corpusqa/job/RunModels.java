package org.corpusqa.job;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.RunOptions;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelTask;
import org.corpusqa.qa.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model answers which queries of a run: {@code --model} the answer queries (or the classify
 * queries when they are all there is), {@code --classifier} the classify queries. Both are opened
 * and their tasks checked against the queries before either loads, so that a query without a model
 * of its kind fails the run as a configuration error, before any data is read.
 *
 * @param answers the question-answering model; null when no query asks for answers
 * @param labels the classification model; null when no query asks for labels
 */
record RunModels(DriverModel answers, DriverModel labels) {
  private static final Logger LOG = LoggerFactory.getLogger(RunModels.class);

  static RunModels load(SparkSession spark, RunOptions options) {
    ModelBundle model = DriverModel.open(spark, options.modelUri());
    ModelBundle classifier = options.classifierUri() == null ? null : DriverModel.open(spark, options.classifierUri());
    if (classifier != null && classifier.manifest().task() != ModelTask.TEXT_CLASSIFICATION) {
      throw new ConfigException("Cannot use --classifier " + options.classifierUri() + ": it is a "
          + classifier.manifest().task().key() + " model; give a text-classification model (an "
          + ModelTask.TEXT_CLASSIFICATION.autoClass() + " export), or pass this one as --model");
    }
    List<Query> answerQueries = options.answerQueries();
    List<Query> classifyQueries = options.classifyQueries();
    boolean modelClassifies = model.manifest().task() == ModelTask.TEXT_CLASSIFICATION;
    if (!answerQueries.isEmpty() && modelClassifies) {
      throw new ConfigException("Cannot answer queries " + ids(answerQueries) + " (task: answer) with --model "
          + options.modelUri() + ": it is a text-classification model; give a question-answering model as --model"
          + (classifier == null ? " and this one as --classifier" : ""));
    }
    if (modelClassifies && classifier != null) {
      throw new ConfigException("Cannot tell which model labels queries " + ids(classifyQueries) + ": --model "
          + options.modelUri() + " and --classifier " + options.classifierUri() + " are both text-classification"
          + " models; give one of them");
    }
    ModelBundle labeller = classifier != null ? classifier : modelClassifies ? model : null;
    if (!classifyQueries.isEmpty() && labeller == null) {
      throw new ConfigException("Cannot label queries " + ids(classifyQueries) + " (task: classify): --model "
          + options.modelUri() + " is a question-answering model; add --classifier with a text-classification model");
    }
    if (answerQueries.isEmpty() && !modelClassifies) {
      LOG.info("--model {} answers no query: every query of this run has task: classify", options.modelUri());
    }
    if (classifyQueries.isEmpty() && classifier != null) {
      LOG.info("--classifier {} labels no query: no query of this run has task: classify", options.classifierUri());
    }
    // The queries against their tokenizers first: a question too long for the window is a
    // configuration error that should not wait for a model to load.
    if (!answerQueries.isEmpty()) {
      DriverModel.checkQueries(model, answerQueries, options.engineOptions());
    }
    if (!classifyQueries.isEmpty()) {
      DriverModel.checkQueries(labeller, classifyQueries, options.engineOptions());
    }
    return new RunModels(
        answerQueries.isEmpty() ? null : DriverModel.load(spark, options.modelUri(), model),
        classifyQueries.isEmpty() ? null
            : DriverModel.load(spark, labeller == classifier ? options.classifierUri() : options.modelUri(), labeller));
  }

  /** The model the runs table names first: the answering model, or the classifier of a labels-only run. */
  DriverModel main() {
    return answers != null ? answers : labels;
  }

  private static String ids(List<Query> queries) {
    return queries.stream().map(Query::id).collect(Collectors.joining(", ", "[", "]"));
  }
}
