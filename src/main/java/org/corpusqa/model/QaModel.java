package org.corpusqa.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.corpusqa.qa.BatchLogits;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.QaTokenizer;
import org.corpusqa.qa.WindowBatch;

/**
 * A bundle's model and tokenizer, loaded on one device: a question-answering model (start and end
 * logits per token) or a sequence-classification one (logits per label; see {@link BatchLogits}).
 * Thread-safe: share one per JVM and device (see {@link ModelCache}) and give each thread its own
 * {@link #newForwardPass()}.
 */
public final class QaModel implements AutoCloseable {
  private final ModelBundle bundle;
  private final Model model;
  private final QaTokenizer tokenizer;
  /** The tensors the model takes, in its order: the manifest's or the graph's, or the forward's. */
  private final List<ModelInput> inputs;

  private QaModel(ModelBundle bundle, Model model, QaTokenizer tokenizer, List<ModelInput> inputs) {
    this.bundle = bundle;
    this.model = model;
    this.tokenizer = tokenizer;
    this.inputs = inputs;
  }

  /**
   * The bundle's tokenizer alone, without its model: what the driver checks queries with before a
   * model loads. The caller closes it.
   */
  public static QaTokenizer loadTokenizer(ModelBundle bundle) {
    try {
      return QaTokenizer.load(bundle.directory().resolve(ModelBundle.TOKENIZER_FILE), bundle.manifest().padTokenId());
    } catch (IOException | RuntimeException e) {
      throw new ModelBundleException(
          "Cannot load model bundle "
              + bundle.directory()
              + ": tokenizer.json is not a Hugging Face tokenizer ("
              + e.getMessage()
              + "); copy the model's own tokenizer.json into the bundle",
          e);
    }
  }

  /**
   * Loads the bundle's model (TorchScript on PyTorch, or ONNX on ONNX Runtime) and tokenizer, and
   * checks them: the model must take exactly the manifest's inputs and return start and end logits
   * of shape [batch, tokens] (question answering) or logits of shape [batch, labels] (classification).
   *
   * @param intraOpThreads threads one forward pass may use (ONNX Runtime takes them per session;
   *     PyTorch takes them per JVM, see {@link ModelCache#configureEngine})
   */
  public static QaModel load(ModelBundle bundle, Device device, int intraOpThreads) {
    ModelFormat format = bundle.format();
    if (format == ModelFormat.ONNX && device.isGpu()) {
      throw new ModelBundleException(
          "Cannot run model bundle " + bundle.directory() + " on " + device + ": ONNX bundles run on"
              + " the CPU in this build; for GPU executors export a TorchScript bundle with"
              + " --format torchscript --precision fp16");
    }
    QaTokenizer tokenizer = loadTokenizer(bundle);
    Model model = Model.newInstance(bundle.manifest().name(), device, format.engineName());
    try {
      model.load(bundle.modelFile().getParent(), "model", engineOptions(format, intraOpThreads));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new ModelBundleException(
          "Cannot load model bundle "
              + bundle.directory()
              + ": "
              + format.fileName()
              + " is not "
              + format.expected()
              + " ("
              + e.getMessage()
              + "); export it with tools/export-hf-model.py",
          e);
    }
    try {
      List<ModelInput> inputs =
          bundle.manifest().inputs().isEmpty() ? forwardInputs(bundle, model) : bundle.manifest().inputs();
      QaModel qaModel = new QaModel(bundle, model, tokenizer, inputs);
      qaModel.checkInputNames();
      qaModel.checkOutputs();
      return qaModel;
    } catch (RuntimeException e) {
      model.close();
      tokenizer.close();
      throw e;
    }
  }

  /**
   * ONNX Runtime's session options: the task's threads, one inter-op thread (a batch is one
   * sequential graph), and every graph optimisation (it fuses the int8 MatMulInteger pattern and
   * attention).
   */
  private static java.util.Map<String, Object> engineOptions(ModelFormat format, int intraOpThreads) {
    if (format != ModelFormat.ONNX) {
      return null;
    }
    return java.util.Map.of(
        "intraOpNumThreads", Integer.toString(Math.max(1, intraOpThreads)),
        "interOpNumThreads", "1",
        "optLevel", "ALL_OPT");
  }

  public ModelBundle bundle() {
    return bundle;
  }

  public QaTokenizer tokenizer() {
    return tokenizer;
  }

  /** The tensors the model takes, in the order it takes them. */
  public List<ModelInput> inputs() {
    return inputs;
  }

  /** A forward pass for one thread; close it when the thread's work is done. */
  public ForwardPass newForwardPass() {
    Predictor<WindowBatch, BatchLogits> predictor = model.newPredictor(
        bundle.manifest().task() == ModelTask.TEXT_CLASSIFICATION ? new LabelLogitsTranslator() : new LogitsTranslator());
    return new ForwardPass() {
      @Override
      public BatchLogits forward(WindowBatch batch) {
        try {
          return predictor.predict(batch);
        } catch (TranslateException e) {
          throw new IllegalStateException("Model forward pass failed on a batch of " + batch.rows()
              + " windows of " + batch.paddedLength() + " tokens", e);
        }
      }

      @Override
      public void close() {
        predictor.close();
      }
    };
  }

  /**
   * A predictor with another translator on the same loaded model, for comparisons such as the
   * benchmark's naive baseline; close it when done.
   */
  public <I, O> Predictor<I, O> newPredictor(Translator<I, O> translator) {
    return model.newPredictor(translator);
  }

  /**
   * The shapes of the model's weight matrices by parameter name (TorchScript fp32/fp16 only: ONNX
   * and quantized modules do not list theirs), for estimating its arithmetic.
   */
  public java.util.Map<String, Shape> weightShapes() {
    java.util.Map<String, Shape> shapes = new java.util.LinkedHashMap<>();
    if (bundle.format() == ModelFormat.TORCHSCRIPT) {
      model.getBlock().getParameters().forEach(p -> shapes.put(p.getKey(), p.getValue().getArray().getShape()));
    }
    return shapes;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }

  /**
   * ONNX models name their inputs: they must be the manifest's, in its order (TorchScript names
   * are checked from the engine's error on the probe window instead).
   */
  private void checkInputNames() {
    if (bundle.format() != ModelFormat.ONNX || bundle.layout() != ModelBundle.Layout.BUNDLE) {
      return;
    }
    List<String> listed = bundle.manifest().inputs().stream().map(ModelInput::key).toList();
    List<String> taken = model.describeInput().keys();
    if (!taken.equals(listed)) {
      throw new ModelBundleException(
          "Cannot load model bundle "
              + bundle.directory()
              + ": corpusqa-model.json lists inputs "
              + listed
              + " but model.onnx takes "
              + taken
              + "; set \"inputs\" in corpusqa-model.json to the model's inputs, in order");
    }
  }

  /**
   * The inputs of a TorchScript model that no manifest describes, from its forward's argument
   * names: TorchScript states them only in the error of a call with the wrong arguments, so the
   * model is called once with one tensor, fewer than any model corpus-qa can feed takes (a call
   * that succeeded with two could not tell attention_mask from token_type_ids).
   */
  private static List<ModelInput> forwardInputs(ModelBundle bundle, Model model) {
    String message;
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> probe = model.newPredictor(new ai.djl.translate.NoopTranslator())) {
      probe.predict(new NDList(manager.create(new long[] {1, 1}, new Shape(1, 2))));
      message = "it ran on input_ids alone";
    } catch (TranslateException | RuntimeException e) {
      message = rootMessage(e);
    }
    List<String> declared = forwardArguments(message);
    if (declared == null) {
      throw new ModelBundleException("Cannot load model folder " + bundle.directory() + ": model.pt does not say"
          + " what its forward takes (" + message + "); add a corpusqa-model.json that lists its inputs, or"
          + " export it with tools/export-hf-model.py");
    }
    List<ModelInput> found = new ArrayList<>();
    for (String name : declared) {
      found.add(ModelInput.fromKey(name).orElseThrow(() -> new ModelBundleException("Cannot load model folder "
          + bundle.directory() + ": model.pt's forward takes " + declared + "; corpus-qa feeds only "
          + ModelInput.allKeys() + ": add a corpusqa-model.json that lists the model's inputs in order, or"
          + " export it again with tools/export-hf-model.py")));
    }
    return List.copyOf(found);
  }

  /** Runs one short window to check that the model returns start and end logits per token. */
  private void checkOutputs() {
    int length = 4;
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> probe = model.newPredictor(new ai.djl.translate.NoopTranslator())) {
      NDList tensors = new NDList();
      long[] ones = {1, 1, 1, 1};
      for (ModelInput input : inputs) {
        NDArray array = manager.create(ones, new Shape(1, length));
        array.setName(input.key());
        tensors.add(array);
      }
      NDList outputs = probe.predict(tensors);
      List<Shape> shapes = outputs.stream().map(NDArray::getShape).toList();
      if (bundle.manifest().task() == ModelTask.TEXT_CLASSIFICATION) {
        int labels = bundle.manifest().labels().size();
        if (outputs.isEmpty() || !shapes.get(0).equals(new Shape(1, labels))) {
          throw new ModelBundleException("Cannot load model bundle " + bundle.directory() + ": "
              + bundle.format().fileName() + " must return logits of shape [batch, labels] with " + labels
              + " labels " + bundle.manifest().labels() + ", got shapes " + shapes + " for one window of 4 tokens;"
              + " export an AutoModelForSequenceClassification with tools/export-hf-model.py, and check its id2label");
        }
        return;
      }
      boolean ok =
          outputs.size() >= 2
              && shapes.get(0).equals(new Shape(1, length))
              && shapes.get(1).equals(new Shape(1, length));
      if (!ok) {
        throw new ModelBundleException(
            "Cannot load model bundle "
                + bundle.directory()
                + ": "
                + bundle.format().fileName()
                + " must return (start_logits, end_logits), each of shape [batch, tokens],"
                + " got shapes "
                + shapes
                + " for one window of 4 tokens; export an AutoModelForQuestionAnswering with"
                + " tools/export-hf-model.py");
      }
    } catch (TranslateException e) {
      List<String> listed = inputs.stream().map(ModelInput::key).toList();
      List<String> taken = forwardArguments(rootMessage(e));
      if (taken != null && !taken.equals(listed)) {
        throw new ModelBundleException(
            "Cannot load model bundle "
                + bundle.directory()
                + ": corpusqa-model.json lists inputs "
                + listed
                + " but model.pt's forward takes "
                + taken
                + "; set \"inputs\" in corpusqa-model.json to the model's forward arguments, in order",
            e);
      }
      throw new ModelBundleException(
          "Cannot load model bundle "
              + bundle.directory()
              + ": "
              + bundle.format().fileName()
              + " failed on a probe window with inputs "
              + inputs.stream().map(ModelInput::key).toList()
              + " ("
              + rootMessage(e)
              + "); check \"inputs\" in corpusqa-model.json",
          e);
    }
  }

  /**
   * The argument names of TorchScript's "Declaration: forward(Class self, Tensor a, Tensor b)" in an
   * error message, or null when the message has none.
   */
  static List<String> forwardArguments(String message) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Declaration: forward\\(([^)]*)\\)").matcher(message);
    if (!m.find()) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (String parameter : m.group(1).split(",")) {
      String declared = parameter.strip().split("=")[0].strip();
      String name = declared.substring(declared.lastIndexOf(' ') + 1);
      if (!name.equals("self") && !name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return ModelBundleException.firstLine(t.getMessage());
  }

  /** A classification model's logits, [batch, labels], as one row-major array. */
  private final class LabelLogitsTranslator extends WindowInputs<BatchLogits> {
    @Override
    public BatchLogits processOutput(TranslatorContext ctx, NDList outputs) {
      NDArray logits = outputs.contains("logits") ? outputs.get("logits") : outputs.get(0);
      return BatchLogits.ofLabels(toFloats(logits));
    }
  }

  /** A question-answering model's start and end logits. */
  private final class LogitsTranslator extends WindowInputs<BatchLogits> {
    @Override
    public BatchLogits processOutput(TranslatorContext ctx, NDList outputs) {
      return new BatchLogits(toFloats(output(outputs, "start_logits", 0)), toFloats(output(outputs, "end_logits", 1)));
    }

    /** ONNX graphs name their outputs, and an export may list them in any order; TorchScript's are positional. */
    private NDArray output(NDList outputs, String name, int position) {
      return outputs.contains(name) ? outputs.get(name) : outputs.get(position);
    }
  }

  private static float[] toFloats(NDArray array) {
    if (array.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
      array = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }
    return array.toFloatArray();
  }

  /** Turns a window batch into the model's input tensors, in the order the model takes them. */
  private abstract class WindowInputs<O> implements Translator<WindowBatch, O> {
    /** Windows arrive already batched and padded; DJL must not add a batch dimension. */
    @Override
    public ai.djl.translate.Batchifier getBatchifier() {
      return null;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, WindowBatch batch) {
      NDManager manager = ctx.getNDManager();
      Shape shape = new Shape(batch.rows(), batch.paddedLength());
      NDList tensors = new NDList(inputs.size());
      for (ModelInput input : inputs) {
        long[] data =
            switch (input) {
              case INPUT_IDS -> batch.inputIds();
              case ATTENTION_MASK -> batch.attentionMask();
              case TOKEN_TYPE_IDS -> batch.tokenTypeIds();
            };
        NDArray array = manager.create(data, shape);
        array.setName(input.key());
        tensors.add(array);
      }
      return tensors;
    }
  }
}
