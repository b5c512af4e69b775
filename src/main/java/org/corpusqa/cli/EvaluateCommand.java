package org.corpusqa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.EvaluateOptions;
import org.corpusqa.config.Namespace;
import org.corpusqa.eval.EvalDataReader;
import org.corpusqa.eval.EvalDataset;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvalInput;
import org.corpusqa.eval.EvaluationResult;
import org.corpusqa.digest.Sha256;
import org.corpusqa.eval.ClassificationData;
import org.corpusqa.job.ClassifyEvaluateJob;
import org.corpusqa.job.EvaluateJob;
import org.corpusqa.qa.Aggregate;
import org.corpusqa.qa.AnswerPooling;
import org.corpusqa.qa.DecodingKey;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Prefilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corpus-qa evaluate}: EM / F1 of a model on labelled data, through the production path. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Answer labelled questions (SQuAD v1.1 / v2.0 or contracts) and score them as the"
        + " official SQuAD scripts do, or label labelled examples (GLUE TSV, yes/no JSON lines) with a"
        + " classification model and score them as scikit-learn does.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "Labelled data file (JSON).")
  Path data;

  @Option(names = "--format", defaultValue = "squad",
      description = "One of ${COMPLETION-CANDIDATES}: SQuAD v1.1 / v2.0 JSON, contract lines with id, text,"
          + " label and extracted_part, GLUE TSV (sentence and label columns with a header, CoLA's four without),"
          + " or yes/no JSON lines with id, question, passage and label true|false (default: ${DEFAULT-VALUE}).")
  EvalInput format;

  @Option(names = "--model", required = true, description = "Model bundle or Hugging Face folder, local or a Hadoop URI.")
  String model;

  @Option(names = "--out", defaultValue = "evaluation",
      description = "Directory for predictions.json, na_probs.json, metrics.json (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--table", defaultValue = "evaluations", description = "Evaluations table (default: ${DEFAULT-VALUE}).")
  String table;

  @Mixin WarehouseOption warehouse;

  @Option(names = "--max-seq-len",
      description = "Tokens per window, question included (default: " + DecodingSettings.DEFAULT_MAX_SEQ_LEN + ").")
  Integer maxSeqLen;

  @Option(names = "--doc-stride", description = "Tokens shared by consecutive windows (default: " + DecodingSettings.DEFAULT_DOC_STRIDE + ").")
  Integer docStride;

  @Option(names = "--max-question-len",
      description = "Cut questions to this many tokens (default: never, as the pipeline with a fast tokenizer).")
  Integer maxQuestionLen;

  @Option(names = "--pooling", paramLabel = "text|span",
      description = "How windows' spans become answers: text (the pipeline's: equal texts add their scores;"
          + " default) or span (each character span once, with its best score).")
  String pooling;

  @Option(names = "--max-answer-len", description = "Longest answer in tokens (default: " + DecodingSettings.DEFAULT_MAX_ANSWER_LEN + ").")
  Integer maxAnswerLen;

  @Option(names = "--top-k", description = "Answers kept per question; only the first is scored (default: " + DecodingSettings.DEFAULT_TOP_K + ").")
  Integer topK;

  @Option(names = "--handle-impossible-answer", arity = "1",
      description = "true or false (default: true for SQuAD v2.0 and contracts, false for v1.1).")
  Boolean handleImpossibleAnswer;

  @Option(names = "--align-to-words", arity = "1", description = "true or false (default: true).")
  Boolean alignToWords;

  @Option(names = "--prefilter", paramLabel = "TOP_WINDOWS",
      description = "Send the model only this many windows per (document, question), picked by the lexical"
          + " prefilter (BM25), and report in metrics.json the windows read and the share of gold answers inside"
          + " them (default: off, every window).")
  Integer prefilterTopWindows;

  @Option(names = "--prefilter-min-windows", defaultValue = "" + Prefilter.DEFAULT_MIN_WINDOWS,
      description = "Windows kept from the document's start when fewer match the question (default: ${DEFAULT-VALUE}).")
  int prefilterMinWindows;

  @Option(names = "--aggregate",
      description = "glue and yesno: how a classifier's windows combine, one of ${COMPLETION-CANDIDATES}"
          + " (default: first, the one window published GLUE and DaNetQA figures truncate inputs to).")
  Aggregate aggregate;

  @Mixin BatchingOptions batching;

  @Override
  public Integer call() throws IOException {
    if (format.isClassification()) {
      return classify();
    }
    if (aggregate != null) {
      throw new ConfigException("Cannot use --aggregate with --format " + format + ": it applies to classification"
          + " data (glue, yesno)");
    }
    // Read here, before Spark starts: a malformed file fails fast, and its format picks the default
    // for unanswerable questions.
    EvalDataset dataset = EvalDataReader.read(data, format);
    EvalFormat evalFormat = dataset.format();
    Map<DecodingKey, Object> overrides = new EnumMap<>(DecodingKey.class);
    overrides.put(DecodingKey.HANDLE_IMPOSSIBLE_ANSWER,
        handleImpossibleAnswer != null ? handleImpossibleAnswer : evalFormat.hasUnanswerable());
    putIfGiven(overrides, DecodingKey.MAX_ANSWER_LEN, maxAnswerLen);
    putIfGiven(overrides, DecodingKey.TOP_K, topK);
    putIfGiven(overrides, DecodingKey.ALIGN_TO_WORDS, alignToWords);
    if (pooling != null) {
      overrides.put(DecodingKey.POOLING, AnswerPooling.fromKey(pooling).orElseThrow(() -> new ConfigException(
          "Cannot use --pooling " + pooling + ": must be one of " + AnswerPooling.allKeys())));
    }
    DecodingSettings settings = settings(overrides, "decoding options");
    EngineOptions engine = batching.engineOptions();
    Prefilter prefilter;
    try {
      prefilter = prefilterTopWindows == null ? Prefilter.OFF : new Prefilter(prefilterTopWindows, prefilterMinWindows);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + "; check --prefilter and --prefilter-min-windows");
    }
    EvaluateOptions options = new EvaluateOptions(model, settings, out,
        Namespace.of(warehouse.namespace, table).qualify(table), engine, prefilter, EvaluateOptions.DEFAULT_AGGREGATE);
    SparkSession spark = Sessions.create("corpus-qa evaluate", warehouse.warehouse);
    try {
      EvaluationResult result = new EvaluateJob(spark, dataset, options).run();
      print(result, System.out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** {@code --format glue | yesno}: a classification model's labels, scored as scikit-learn scores them. */
  private Integer classify() throws IOException {
    if (prefilterTopWindows != null || maxAnswerLen != null || topK != null || handleImpossibleAnswer != null
        || alignToWords != null) {
      throw new ConfigException("Cannot use --prefilter, --max-answer-len, --top-k, --handle-impossible-answer or"
          + " --align-to-words with --format " + format + ": they decode answer spans; a classifier's windows take"
          + " --max-seq-len, --doc-stride, --max-question-len and --aggregate");
    }
    List<ClassificationData.Example> examples;
    try {
      examples = format == EvalInput.GLUE ? ClassificationData.glue(data) : ClassificationData.yesNo(data);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + "; check --data and --format");
    }
    DecodingSettings settings = settings(new EnumMap<>(DecodingKey.class), "window options");
    EvaluateOptions options = new EvaluateOptions(model, settings, out,
        Namespace.of(warehouse.namespace, table).qualify(table), batching.engineOptions(), Prefilter.OFF,
        aggregate == null ? EvaluateOptions.DEFAULT_AGGREGATE : aggregate);
    EvalFormat evalFormat = format == EvalInput.GLUE ? EvalFormat.GLUE : EvalFormat.YESNO;
    SparkSession spark = Sessions.create("corpus-qa evaluate", warehouse.warehouse);
    try {
      EvaluationResult result = new ClassifyEvaluateJob(spark, examples, evalFormat, data.toString(),
          Sha256.ofFile(data), options).run();
      print(result, System.out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The defaults with the window options given and {@code overrides}; a bad combination names {@code options}. */
  private DecodingSettings settings(Map<DecodingKey, Object> overrides, String options) {
    putIfGiven(overrides, DecodingKey.MAX_SEQ_LEN, maxSeqLen);
    putIfGiven(overrides, DecodingKey.DOC_STRIDE, docStride);
    putIfGiven(overrides, DecodingKey.MAX_QUESTION_LEN, maxQuestionLen);
    try {
      return DecodingSettings.DEFAULTS.withAll(overrides);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + "; check the " + options);
    }
  }

  private static void putIfGiven(Map<DecodingKey, Object> map, DecodingKey setting, Object value) {
    if (value != null) {
      if (value instanceof Integer n) {
        try {
          setting.checkRange(n);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
      }
      map.put(setting, value);
    }
  }

  /** A short table of the headline metrics, and per query for contracts. */
  static void print(EvaluationResult result, PrintStream out) {
    out.printf("evaluation %s: model %s, %s, %d %s%n", result.runId(), result.modelName(),
        result.format().key(), result.questions(), result.format().isClassification() ? "examples" : "questions");
    printMetrics("", result.metrics(), out);
    if (result.metrics().get("prefilter") instanceof Map<?, ?> prefilter) {
      out.printf("prefilter (bm25, top %s windows):%n", prefilter.get("top_windows"));
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) prefilter;
      printMetrics("  ", m, out);
    }
    if (result.metrics().get("per_class") instanceof Map<?, ?> perClass) {
      out.printf(Locale.ROOT, "  %-18s %10s %10s %10s %10s%n", "class", "precision", "recall", "f1", "support");
      perClass.forEach((label, row) -> {
        Map<?, ?> r = (Map<?, ?>) row;
        out.printf(Locale.ROOT, "  %-18s %10.4f %10.4f %10.4f %10d%n", label, r.get("precision"), r.get("recall"),
            r.get("f1"), ((Number) r.get("support")).longValue());
      });
      out.printf("  confusion matrix (rows gold, columns predicted, in the order %s): %s%n",
          result.metrics().get("labels"), result.metrics().get("confusion_matrix"));
    }
    Object perQuery = result.metrics().get("per_query");
    if (perQuery instanceof Map<?, ?> queries) {
      queries.forEach((query, metrics) -> {
        out.printf("query %s:%n", query);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) metrics;
        printMetrics("  ", m, out);
      });
    }
  }

  private static void printMetrics(String indent, Map<String, Object> metrics, PrintStream out) {
    metrics.forEach((key, value) -> {
      if (value instanceof Double d) {
        out.printf(Locale.ROOT, "%s  %-18s %10.4f%n", indent, key, d);
      } else if (value instanceof Integer || value instanceof Long) {
        out.printf(Locale.ROOT, "%s  %-18s %10d%n", indent, key, ((Number) value).longValue());
      }
    });
  }
}
