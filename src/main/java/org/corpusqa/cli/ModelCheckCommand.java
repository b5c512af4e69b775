package org.corpusqa.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.corpusqa.config.ConfigException;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelBundleException;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelInput;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Aggregate;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.Classification;
import org.corpusqa.qa.DecodingKey;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.LabelAggregator;
import org.corpusqa.qa.PairTemplate;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.qa.WindowObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code corpus-qa model check}: loads a model as a run would and answers one question with it (a
 * classifier labels the question with the context), so that a model owner finds a broken folder
 * before a nightly run does. Starts no Spark session.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Load a model bundle or Hugging Face folder as a run would, print what it is and answer one"
        + " question with it (a text-classification model: label the question with the context). Exit 2, with"
        + " the fix, on any problem.")
final class ModelCheckCommand implements Callable<Integer> {
  /** A contract clause of the kind the first users ask for, so that a check needs no arguments. */
  static final String EXAMPLE_QUESTION = "обеспечение исполнения контракта";
  static final String EXAMPLE_CONTEXT =
      "7. Обеспечение исполнения контракта. Размер обеспечения исполнения контракта составляет 5% от"
          + " начальной (максимальной) цены контракта. Обеспечение предоставляется в виде независимой"
          + " гарантии или внесением денежных средств на счет заказчика.\n\n8. Гарантийные обязательства."
          + " Срок гарантии качества товара составляет 12 месяцев.";

  @Parameters(index = "0", paramLabel = "DIR_OR_URI",
      description = "Model bundle or Hugging Face folder: a local path or any Hadoop URI (s3a:, hdfs:).")
  String model;

  @Option(names = "--question", description = "Question to ask (default: a contract-security question).")
  String question;

  @Option(names = "--context", description = "Text to ask it of (default: two clauses of a Russian contract).")
  String context;

  @Option(names = "--gpu", paramLabel = "INDEX",
      description = "Load the model on this CUDA device, as a GPU executor would (default: the CPU).")
  Integer gpu;

  @Override
  public Integer call() {
    if ((question == null) != (context == null)) {
      throw new ConfigException("Cannot check model: give --question and --context together, or neither for"
          + " the built-in example");
    }
    String askedQuestion = question == null ? EXAMPLE_QUESTION : question;
    String askedContext = context == null ? EXAMPLE_CONTEXT : context;
    ModelCache.configureEngine(Runtime.getRuntime().availableProcessors());
    Device device = device();

    long started = System.nanoTime();
    // SparkConf reads the spark.hadoop.* settings (S3 credentials providers, endpoints) that
    // spark-submit passes as system properties, so a URI opens here as it would in a run.
    Configuration hadoop = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    ModelBundle bundle = ModelBundle.openAnyTask(BundleLocator.localDirectory(model, hadoop));
    QaModel loaded = ModelCache.get(bundle, device);
    long loadedAt = System.nanoTime();

    QaResult result = answer(bundle, loaded, askedQuestion, askedContext);
    long answeredAt = System.nanoTime();
    if (result.isFailed()) {
      throw new ModelBundleException("Cannot check model " + model + ": it failed on the example ("
          + result.failure() + "); export it again with tools/export-hf-model.py");
    }

    report(bundle, loaded, device, askedQuestion, result);
    System.out.println(String.format(Locale.ROOT, "timing:       load %d ms, answer %d ms",
        (loadedAt - started) / 1_000_000, (answeredAt - loadedAt) / 1_000_000));
    return 0;
  }

  /** The question answered over the context with the pipeline's defaults, cut to the model's window. */
  private static QaResult answer(ModelBundle bundle, QaModel loaded, String askedQuestion, String askedContext) {
    int maxSeqLen = Math.min(DecodingSettings.DEFAULTS.maxSeqLen(), bundle.manifest().maxSeqLen());
    List<String> labels = bundle.manifest().labels();
    QaEngine engine = new QaEngine(loaded.tokenizer(), bundle.manifest().maxSeqLen(), EngineOptions.DEFAULTS, labels);
    try {
      DecodingSettings settings = DecodingSettings.DEFAULTS.withAll(java.util.Map.of(
          DecodingKey.MAX_SEQ_LEN, maxSeqLen,
          DecodingKey.DOC_STRIDE, Math.min(DecodingSettings.DEFAULTS.docStride(), maxSeqLen / 4)));
      // A classifier labels the (question, context) pair, as a yes/no query of a run would.
      Query query = labels.isEmpty() ? new Query("check", askedQuestion, settings)
          : new Query("check", askedQuestion, settings, Prefilter.OFF, new Classification(Aggregate.MAX, null, 0.5));
      try (ForwardPass forward = loaded.newForwardPass()) {
        return engine.answer(List.of(new Document("check", askedContext)).iterator(),
            engine.prepare(List.of(query)), forward, WindowObserver.NONE).next();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Cannot check model: " + e.getMessage());
    }
  }

  private void report(ModelBundle bundle, QaModel loaded, Device device, String askedQuestion, QaResult result) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("model:        " + bundle.manifest().name()
        + (bundle.manifest().version().isEmpty() ? "" : " " + bundle.manifest().version()));
    out.println("location:     " + model);
    out.println("layout:       " + (bundle.layout() == ModelBundle.Layout.BUNDLE
        ? "corpus-qa bundle (corpusqa-model.json)" : "Hugging Face folder (config.json)"));
    out.println("model_sha256: " + bundle.sha256());
    out.println("format:       " + bundle.format().name().toLowerCase(Locale.ROOT) + " ("
        + bundle.directory().relativize(bundle.modelFile()) + ", " + bundle.format().engineName() + ")");
    out.println("precision:    " + bundle.manifest().precision().key());
    out.println("task:         " + bundle.manifest().task().key()
        + (bundle.manifest().labels().isEmpty() ? "" : " (labels " + String.join(", ", bundle.manifest().labels()) + ")"));
    out.println("inputs:       " + String.join(", ", loaded.inputs().stream().map(ModelInput::key).toList()));
    out.println("max_seq_len:  " + bundle.manifest().maxSeqLen());
    out.println("pair layout:  " + pairLayout(loaded));
    out.println("pad token id: " + loaded.tokenizer().padTokenId());
    out.println("device:       " + (device.isGpu() ? "gpu " + device.getDeviceId() : "cpu"));
    out.println("question:     " + askedQuestion);
    if (result.label() != null) {
      LabelAggregator.Decision label = result.label();
      out.println("label:        " + label.label() + String.format(Locale.ROOT, " (probability %.6f, %d window%s)",
          label.score(), result.windows(), result.windows() == 1 ? "" : "s"));
      out.println("probabilities: " + bundle.manifest().labels().stream()
          .map(l -> l + String.format(Locale.ROOT, " %.6f", label.probabilities().get(l))).toList());
      return;
    }
    Answer best = result.answers().get(0);
    out.println("answer:       " + (best.hasSpan()
        ? "\"" + best.text() + "\" [" + best.startChar() + ", " + best.endChar() + ")" : "(none: " + best.reason() + ")"));
    out.println("score:        " + (best.score() == null ? "-" : String.format(Locale.ROOT, "%.6f", best.score()))
        + String.format(Locale.ROOT, " (no-answer score %.6f, %d window%s)", result.nullScore(), result.windows(),
            result.windows() == 1 ? "" : "s"));
  }

  /** The device asked for, refused here when this machine's engine cannot use it. */
  private Device device() {
    if (gpu == null) {
      return Device.cpu();
    }
    if (gpu < 0) {
      throw new ConfigException("Cannot check model: --gpu takes a CUDA device index, got: " + gpu);
    }
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    if (gpu >= visible) {
      throw new ConfigException("Cannot check model on gpu(" + gpu + "): PyTorch sees " + visible
          + " GPU(s) on this machine; run the check on a GPU node with the -Pgpu build, or leave out --gpu");
    }
    return Device.gpu(gpu);
  }

  /** E.g. {@code [CLS] question [SEP] context [SEP]}, read off the tokenizer as windows are built. */
  private static String pairLayout(QaModel model) {
    PairTemplate t = model.tokenizer().template();
    return String.join(" ", List.of(model.tokenizer().decode(t.prefixIds()), "question",
        model.tokenizer().decode(t.middleIds()), "context", model.tokenizer().decode(t.suffixIds())))
        .replaceAll(" +", " ").strip();
  }
}
