package org.corpusqa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face / Optimum folders taken as they are, without a corpusqa-model.json. */
class HuggingFaceFolderTest {
  private static final String FIX = "a Hugging Face folder holds config.json, tokenizer.json and model.onnx (or"
      + " onnx/model.onnx); write one with tools/export-hf-model.py --format onnx or optimum-cli export onnx"
      + " --task question-answering";

  @TempDir Path tmp;

  /** A copy of a fixture folder whose model file sits at {@code modelPath}. */
  private Path copy(String fixture, String modelPath) throws IOException {
    Path from = SharedData.hfFixture(fixture);
    Path to = tmp.resolve(fixture);
    Files.createDirectories(to.resolve(modelPath).getParent());
    for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(from.resolve(file), to.resolve(file));
    }
    Files.copy(from.resolve("model.onnx"), to.resolve(modelPath));
    return to;
  }

  @Test
  void describesTheFolderFromItsConfigTokenizerAndGraph() {
    ModelBundle bert = ModelBundle.open(SharedData.hfFixture("qa-bert"));
    assertThat(bert.layout()).isEqualTo(ModelBundle.Layout.HUGGING_FACE);
    assertThat(bert.format()).isEqualTo(ModelFormat.ONNX);
    assertThat(bert.manifest()).isEqualTo(new ModelManifest("qa-bert", "",
        List.of(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK, ModelInput.TOKEN_TYPE_IDS), 512, Precision.FP32, 0));
    ModelBundle xlmr = ModelBundle.open(SharedData.hfFixture("qa-xlm-roberta"));
    // 514 positions, numbered after the padding id 1: 512 tokens.
    assertThat(xlmr.manifest()).isEqualTo(new ModelManifest("qa-xlm-roberta", "",
        List.of(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK), 512, Precision.FP32, 1));
  }

  @Test
  void identityHashesTheFilesTheModelUsesAsCoreutilsWould() throws Exception {
    Path folder = copy("qa-distilbert", "model.onnx");
    Process p = new ProcessBuilder("bash", "-c",
        "sha256sum config.json model.onnx tokenizer.json tokenizer_config.json | sha256sum")
        .directory(folder.toFile()).start();
    String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
    assertThat(p.waitFor()).isZero();
    assertThat(ModelBundle.open(folder).sha256()).isEqualTo(expected);

    // Other formats' weights and a model card beside it do not decide the answers.
    Files.writeString(folder.resolve("model.safetensors"), "weights");
    Files.writeString(folder.resolve("README.md"), "# card");
    assertThat(ModelBundle.open(folder).sha256()).isEqualTo(expected);
    Files.writeString(folder.resolve("tokenizer_config.json"),
        Files.readString(folder.resolve("tokenizer_config.json")).replace("}", ", \"model_max_length\": 256}"));
    assertThat(ModelBundle.open(folder).sha256()).isNotEqualTo(expected);
    assertThat(ModelBundle.open(folder).manifest().maxSeqLen()).isEqualTo(256);
  }

  @Test
  void hubLayoutWithTheExportInOnnxSubfolderLoadsAndRuns() throws IOException {
    Path folder = copy("qa-xlm-roberta", "onnx/model.onnx");
    ModelBundle bundle = ModelBundle.open(folder);
    assertThat(bundle.modelFile()).isEqualTo(folder.resolve("onnx/model.onnx"));
    try (QaModel model = QaModel.load(bundle, Device.cpu(), 1)) {
      assertThat(model.inputs()).containsExactly(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK);
      assertThat(model.tokenizer().padTokenId()).isEqualTo(1);
    }
  }

  @Test
  void aManifestBesideTheConfigWins() throws IOException {
    Path folder = copy("qa-distilbert", "model.onnx");
    Files.writeString(folder.resolve("corpusqa-model.json"), "{\"task\": \"question-answering\", \"name\":"
        + " \"contracts-v2\", \"inputs\": [\"input_ids\", \"attention_mask\"], \"max_seq_len\": 256}");
    ModelBundle bundle = ModelBundle.open(folder);
    assertThat(bundle.layout()).isEqualTo(ModelBundle.Layout.BUNDLE);
    assertThat(bundle.manifest().name()).isEqualTo("contracts-v2");
    assertThat(bundle.manifest().maxSeqLen()).isEqualTo(256);
  }

  @Test
  void torchScriptFolderTakesTheForwardsArguments() throws IOException {
    for (Path bundle : List.of(TestModels.TINY_BERT, TestModels.TINY_DISTILBERT)) {
      Path folder = tmp.resolve("ts-" + bundle.getFileName());
      Files.createDirectories(folder);
      Files.copy(bundle.resolve("model.pt"), folder.resolve("model.pt"));
      Files.copy(bundle.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
      boolean bert = bundle.equals(TestModels.TINY_BERT);
      Files.writeString(folder.resolve("config.json"), "{\"architectures\": [\"" + (bert ? "Bert" : "DistilBert")
          + "ForQuestionAnswering\"], \"model_type\": \"" + (bert ? "bert" : "distilbert")
          + "\", \"max_position_embeddings\": 384, \"pad_token_id\": 0}");
      ModelBundle opened = ModelBundle.open(folder);
      assertThat(opened.format()).isEqualTo(ModelFormat.TORCHSCRIPT);
      assertThat(opened.manifest().maxSeqLen()).isEqualTo(384);
      try (QaModel model = QaModel.load(opened, Device.cpu(), 1)) {
        assertThat(model.inputs()).isEqualTo(bert
            ? List.of(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK, ModelInput.TOKEN_TYPE_IDS)
            : List.of(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK));
      }
    }
  }

  @Test
  void classificationModelIsNamedNotGuessed() {
    Path folder = SharedData.hfFixture("cls-bert-yesno");
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .isInstanceOf(ModelBundleException.class)
        .hasMessage("Cannot load model folder " + folder + ": config.json's architectures are"
            + " [BertForSequenceClassification], not a question-answering model (*ForQuestionAnswering);"
            + " corpus-qa answers with extractive QA models: export an AutoModelForQuestionAnswering");
  }

  @Test
  void configWithoutArchitectures() throws IOException {
    Path folder = copy("qa-bert", "model.onnx");
    Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\"}");
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": config.json names no \"architectures\", so its task"
            + " is unknown; save the model with AutoModelForQuestionAnswering.save_pretrained, or add a"
            + " corpusqa-model.json (see the README's Models section)");
  }

  @Test
  void architecturesThatAreNotAListOfNames() throws IOException {
    Path folder = copy("qa-bert", "model.onnx");
    for (String architectures : List.of("\"BertForQuestionAnswering\"", "[{\"x\": 1}]")) {
      Files.writeString(folder.resolve("config.json"), "{\"architectures\": " + architectures + "}");
      assertThatThrownBy(() -> ModelBundle.open(folder))
          .hasMessage("Cannot load model folder " + folder + ": config.json's \"architectures\" must be a list of"
              + " class names, e.g. [\"BertForQuestionAnswering\"], got: " + architectures.replace(" ", ""));
    }
  }

  @Test
  void xlmRobertaWithoutPadTokenIdPadsWithItsOwnPadding() throws IOException {
    Path folder = copy("qa-xlm-roberta", "model.onnx");
    Files.writeString(folder.resolve("config.json"),
        Files.readString(folder.resolve("config.json")).replace("\"pad_token_id\": 1,", ""));
    assertThat(Files.readString(folder.resolve("config.json"))).doesNotContain("pad_token_id");
    ModelManifest manifest = ModelBundle.open(folder).manifest();
    assertThat(manifest.padTokenId()).isEqualTo(1);
    assertThat(manifest.maxSeqLen()).isEqualTo(512);
  }

  @Test
  void modelMaxLengthAsTextOrNonsense() throws IOException {
    Path folder = copy("qa-distilbert", "model.onnx");
    Path tokenizerConfig = folder.resolve("tokenizer_config.json");
    String original = Files.readString(tokenizerConfig);
    Files.writeString(tokenizerConfig, original.replace("1000000000000000019884624838656", "\"256\""));
    assertThat(ModelBundle.open(folder).manifest().maxSeqLen()).isEqualTo(256);
    Files.writeString(tokenizerConfig, original.replace("1000000000000000019884624838656", "\"long\""));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": tokenizer_config.json's model_max_length must be a"
            + " number, got: \"long\"; fix it, or add a corpusqa-model.json with max_seq_len");
    Files.writeString(tokenizerConfig, original.replace("1000000000000000019884624838656", "-1"));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": config.json's max_position_embeddings and"
            + " tokenizer_config.json's model_max_length allow windows of at most -1 tokens, fewer than 8; fix"
            + " them, or add a corpusqa-model.json with max_seq_len");
  }

  @Test
  void configThatIsNotJson() throws IOException {
    Path folder = copy("qa-bert", "model.onnx");
    Files.writeString(folder.resolve("config.json"), "{ \"architectures\": [");
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessageStartingWith("Cannot load model folder " + folder + ": config.json is not valid JSON (");
  }

  @Test
  void missingTokenizer() throws IOException {
    Path folder = copy("qa-bert", "model.onnx");
    Files.delete(folder.resolve("tokenizer.json"));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": missing tokenizer.json (the fast tokenizer's file:"
            + " tokenizer.save_pretrained writes it); " + FIX);
  }

  @Test
  void pytorchWeightsAloneDoNotRun() throws IOException {
    Path folder = copy("qa-bert", "model.onnx");
    Files.move(folder.resolve("model.onnx"), folder.resolve("model.safetensors"));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": missing model.onnx, onnx/model.onnx or model.pt"
            + " (PyTorch weights such as model.safetensors do not run in corpus-qa); " + FIX);
  }

  @Test
  void twoModelFilesAreAmbiguous() throws IOException {
    Path folder = copy("qa-bert", "onnx/model.onnx");
    Files.copy(folder.resolve("onnx/model.onnx"), folder.resolve("model.onnx"));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": it holds [model.onnx, onnx/model.onnx], so which one"
            + " runs is unclear; keep one, or add a corpusqa-model.json beside model.pt or model.onnx");
  }

  @Test
  void graphInputsCorpusQaCannotFeed() throws IOException {
    Path folder = copy("qa-bert", "model.onnx");
    Files.write(folder.resolve("model.onnx"), OnnxGraphTest.model(OnnxGraphTest.input("input_ids"),
        OnnxGraphTest.input("attention_mask"), OnnxGraphTest.input("position_ids")));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": model.onnx takes inputs [input_ids, attention_mask,"
            + " position_ids]; corpus-qa feeds only input_ids, attention_mask, token_type_ids: export the model"
            + " with those inputs (tools/export-hf-model.py --format onnx)");
  }

  @Test
  void missingExternalWeights() throws IOException {
    Path folder = copy("qa-bert", "onnx/model.onnx");
    Files.write(folder.resolve("onnx/model.onnx"), OnnxGraphTest.model(OnnxGraphTest.input("input_ids"),
        OnnxGraphTest.input("attention_mask"), OnnxGraphTest.initializer("w", "model.onnx_data")));
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": onnx/model.onnx keeps its weights in model.onnx_data,"
            + " which is missing; copy the whole export folder");
  }

  /** Weights kept outside the graph (models over 2 GB) are part of the identity. */
  @Test
  void externalWeightsCountInTheIdentity() throws Exception {
    Path folder = copy("qa-bert", "onnx/model.onnx");
    Files.write(folder.resolve("onnx/model.onnx"), OnnxGraphTest.model(OnnxGraphTest.input("input_ids"),
        OnnxGraphTest.input("attention_mask"), OnnxGraphTest.initializer("w", "model.onnx_data")));
    Files.writeString(folder.resolve("onnx/model.onnx_data"), "weights");
    Process p = new ProcessBuilder("bash", "-c", "sha256sum config.json onnx/model.onnx onnx/model.onnx_data"
        + " tokenizer.json tokenizer_config.json | sha256sum").directory(folder.toFile()).start();
    String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
    assertThat(p.waitFor()).isZero();
    assertThat(ModelBundle.open(folder).sha256()).isEqualTo(expected);
  }

  @Test
  void windowLengthUnknown() throws IOException {
    Path folder = copy("qa-distilbert", "model.onnx");
    Files.writeString(folder.resolve("config.json"), "{\"architectures\": [\"DistilBertForQuestionAnswering\"]}");
    assertThatThrownBy(() -> ModelBundle.open(folder))
        .hasMessage("Cannot load model folder " + folder + ": neither config.json's max_position_embeddings nor"
            + " tokenizer_config.json's model_max_length says how long a window may be; add a corpusqa-model.json"
            + " with max_seq_len");
  }

  /** An export may list its outputs in another order: they are taken by name. */
  @Test
  void logitsAreTakenByOutputNameNotPosition() throws IOException {
    Path folder = copy("qa-distilbert", "model.onnx");
    Path swapped = Files.createDirectories(tmp.resolve("swapped"));
    for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(folder.resolve(file), swapped.resolve(file));
    }
    Files.write(swapped.resolve("model.onnx"), swapOutputs(Files.readAllBytes(folder.resolve("model.onnx"))));
    assertThat(OnnxGraph.read(swapped, swapped.resolve("model.onnx")).outputs()).containsExactly("end_logits", "start_logits");

    org.corpusqa.qa.WindowBatch batch = org.corpusqa.qa.WindowBatch.ofTokens(2, 12, new int[] {101, 2054, 2003, 102, 1996, 3036, 102});
    try (QaModel original = QaModel.load(ModelBundle.open(folder), Device.cpu(), 1);
        QaModel reordered = QaModel.load(ModelBundle.open(swapped), Device.cpu(), 1);
        org.corpusqa.qa.ForwardPass a = original.newForwardPass();
        org.corpusqa.qa.ForwardPass b = reordered.newForwardPass()) {
      org.corpusqa.qa.BatchLogits expected = a.forward(batch);
      org.corpusqa.qa.BatchLogits actual = b.forward(batch);
      assertThat(actual.start()).containsExactly(expected.start());
      assertThat(actual.end()).containsExactly(expected.end());
      assertThat(expected.start()).isNotEqualTo(expected.end());
    }
  }

  /** The graph's two output entries, which exporters write next to each other, in swapped order. */
  private static byte[] swapOutputs(byte[] model) {
    int[] graph = fieldRange(model, 0, model.length, 7);
    List<int[]> outputs = new java.util.ArrayList<>();
    int p = graph[0];
    while (p < graph[1]) {
      int start = p;
      long[] tag = varint(model, p);
      p = (int) tag[1];
      p = skip(model, p, (int) tag[0]);
      if (tag[0] >>> 3 == 12) {
        outputs.add(new int[] {start, p});
      }
    }
    assertThat(outputs).hasSize(2);
    assertThat(outputs.get(0)[1]).isEqualTo(outputs.get(1)[0]);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(model, 0, outputs.get(0)[0]);
    out.write(model, outputs.get(1)[0], outputs.get(1)[1] - outputs.get(1)[0]);
    out.write(model, outputs.get(0)[0], outputs.get(0)[1] - outputs.get(0)[0]);
    out.write(model, outputs.get(1)[1], model.length - outputs.get(1)[1]);
    return out.toByteArray();
  }

  /** The value bytes [start, end) of the first length-delimited field {@code number} in [from, to). */
  private static int[] fieldRange(byte[] bytes, int from, int to, int number) {
    int p = from;
    while (p < to) {
      long[] tag = varint(bytes, p);
      if (tag[0] >>> 3 == number && (tag[0] & 7) == 2) {
        long[] length = varint(bytes, (int) tag[1]);
        return new int[] {(int) length[1], (int) (length[1] + length[0])};
      }
      p = skip(bytes, (int) tag[1], (int) tag[0]);
    }
    throw new AssertionError("no field " + number);
  }

  private static int skip(byte[] bytes, int p, int tag) {
    return switch (tag & 7) {
      case 0 -> (int) varint(bytes, p)[1];
      case 1 -> p + 8;
      case 2 -> {
        long[] length = varint(bytes, p);
        yield (int) (length[1] + length[0]);
      }
      case 5 -> p + 4;
      default -> throw new AssertionError("wire type " + (tag & 7));
    };
  }

  /** {value, position after it}. */
  private static long[] varint(byte[] bytes, int p) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[p++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return new long[] {value, p};
      }
    }
  }
}
