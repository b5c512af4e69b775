package org.corpusqa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
  @TempDir Path tmp;

  @Test
  void opensTheTinyBundles() {
    ModelBundle bert = ModelBundle.open(TestModels.TINY_BERT);
    assertThat(bert.manifest().name()).isEqualTo("tiny-bert");
    assertThat(bert.manifest().inputs())
        .containsExactly(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK, ModelInput.TOKEN_TYPE_IDS);
    assertThat(bert.manifest().maxSeqLen()).isEqualTo(384);
    assertThat(bert.sha256()).hasSize(64).isNotEqualTo(ModelBundle.open(TestModels.TINY_DISTILBERT).sha256());
  }

  @Test
  void sha256IsWhatCoreutilsComputeOverTheBundle() throws Exception {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("b"));
    Files.writeString(copy.resolve(".model.pt.crc"), "ignored", StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(
                "bash", "-c",
                "find . -type f ! -name '.*' -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum")
            .directory(copy.toFile())
            .start();
    String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
    assertThat(p.waitFor()).isZero();
    assertThat(ModelBundle.open(copy).sha256()).isEqualTo(expected);
  }

  @Test
  void sha256ChangesWhenAnyFileChanges() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("b"));
    String before = ModelBundle.open(copy).sha256();
    Files.writeString(copy.resolve("tokenizer.json"), Files.readString(copy.resolve("tokenizer.json")) + " ");
    assertThat(ModelBundle.open(copy).sha256()).isNotEqualTo(before);
  }

  @Test
  void missingDirectory() {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> ModelBundle.open(missing))
        .isInstanceOf(ModelBundleException.class)
        .hasMessage("Cannot load model bundle: " + missing + " is not a directory; a bundle holds"
            + " model.pt (or model.onnx), tokenizer.json and corpusqa-model.json; tools/export-hf-model.py"
            + " writes all three; a Hugging Face folder (config.json, tokenizer.json, model.onnx) loads as it is");
  }

  @Test
  void missingTokenizer() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("b"));
    Files.delete(copy.resolve("tokenizer.json"));
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle " + copy + ": missing tokenizer.json; a bundle holds"
            + " model.pt (or model.onnx), tokenizer.json and corpusqa-model.json; tools/export-hf-model.py"
            + " writes all three");
  }

  @Test
  void missingModel() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("b"));
    Files.delete(copy.resolve("model.pt"));
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessageStartingWith("Cannot load model bundle " + copy + ": missing model.pt or model.onnx; ");
  }

  @Test
  void bothModelFiles() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_DISTILBERT, tmp.resolve("b"));
    Files.copy(TestModels.MODELS.resolve("tiny-distilbert-onnx/model.onnx"), copy.resolve("model.onnx"));
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle " + copy + ": it holds both model.pt and model.onnx; keep the"
            + " one to run and move the other to a bundle of its own");
  }

  @Test
  void onnxInputsMustMatchTheManifest() throws IOException {
    Path copy = TestModels.copy(TestModels.MODELS.resolve("tiny-distilbert-onnx"), tmp.resolve("b"));
    Path manifest = copy.resolve("corpusqa-model.json");
    Files.writeString(manifest, Files.readString(manifest)
        .replace("\"attention_mask\"", "\"attention_mask\", \"token_type_ids\""));
    assertThatThrownBy(() -> QaModel.load(ModelBundle.open(copy), Device.cpu(), 1))
        .hasMessage("Cannot load model bundle " + copy + ": corpusqa-model.json lists inputs"
            + " [input_ids, attention_mask, token_type_ids] but model.onnx takes [input_ids, attention_mask];"
            + " set \"inputs\" in corpusqa-model.json to the model's inputs, in order");
  }

  @Test
  void onnxRunsOnTheCpuOnly() {
    ModelBundle onnx = ModelBundle.open(TestModels.MODELS.resolve("tiny-distilbert-onnx"));
    assertThatThrownBy(() -> QaModel.load(onnx, Device.gpu(0), 1))
        .hasMessage("Cannot run model bundle " + onnx.directory() + " on gpu(0): ONNX bundles run on the CPU"
            + " in this build; for GPU executors export a TorchScript bundle with --format torchscript"
            + " --precision fp16");
  }

  @Test
  void unknownPrecision() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_DISTILBERT, tmp.resolve("b"));
    Path manifest = copy.resolve("corpusqa-model.json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"max_seq_len\"", "\"precision\": \"bf16\", \"max_seq_len\""));
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle: " + manifest + " is invalid: unknown precision 'bf16'; use fp32,"
            + " fp16, int8");
  }

  @Test
  void missingManifest() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("b"));
    Files.delete(copy.resolve("corpusqa-model.json"));
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle " + copy + ": missing corpusqa-model.json; a bundle holds"
            + " model.pt (or model.onnx), tokenizer.json and corpusqa-model.json; tools/export-hf-model.py"
            + " writes all three; a Hugging Face folder needs config.json instead of corpusqa-model.json");
  }

  private Path withManifest(String json) throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("m"));
    Files.writeString(copy.resolve("corpusqa-model.json"), json);
    return copy;
  }

  @Test
  void manifestNotJson() throws IOException {
    Path copy = withManifest("{ not json");
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessageStartingWith("Cannot load model bundle: " + copy.resolve("corpusqa-model.json")
            + " is invalid: it is not valid JSON (");
  }

  @Test
  void manifestUnknownKey() throws IOException {
    Path copy = withManifest("{\"task\": \"question-answering\", \"name\": \"m\", \"inputs\": [\"input_ids\","
        + " \"attention_mask\"], \"max_seq_len\": 384, \"max_len\": 3}");
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle: " + copy.resolve("corpusqa-model.json")
            + " is invalid: unknown key 'max_len'; use only architecture, created_by, inputs, labels,"
            + " max_seq_len, name, pad_token_id, precision, task, training, version");
  }

  @Test
  void manifestWrongTask() throws IOException {
    Path unknown = withManifest("{\"task\": \"summarization\", \"name\": \"m\", \"inputs\": [\"input_ids\","
        + " \"attention_mask\"], \"max_seq_len\": 384}");
    assertThatThrownBy(() -> ModelBundle.open(unknown))
        .hasMessage("Cannot load model bundle: " + unknown.resolve("corpusqa-model.json")
            + " is invalid: task must be one of question-answering, text-classification, got: summarization");
    // The same copy, its manifest rewritten.
    Path classifier = unknown;
    Files.writeString(classifier.resolve("corpusqa-model.json"), "{\"task\": \"text-classification\", \"name\": \"m\","
        + " \"inputs\": [\"input_ids\", \"attention_mask\"], \"max_seq_len\": 384, \"labels\": [\"no\", \"yes\"]}");
    assertThatThrownBy(() -> ModelBundle.open(classifier))
        .hasMessage("Cannot load model bundle " + classifier + ": its corpusqa-model.json says task text-classification,"
            + " but a question-answering model is needed here; export an AutoModelForQuestionAnswering");
    assertThat(ModelBundle.open(classifier, ModelTask.TEXT_CLASSIFICATION).manifest().labels()).containsExactly("no", "yes");
    Path noLabels = unknown;
    Files.writeString(noLabels.resolve("corpusqa-model.json"), "{\"task\": \"text-classification\", \"name\": \"m\","
        + " \"inputs\": [\"input_ids\", \"attention_mask\"], \"max_seq_len\": 384}");
    assertThatThrownBy(() -> ModelBundle.open(noLabels, ModelTask.TEXT_CLASSIFICATION))
        .hasMessageContaining("a text-classification model needs labels");
  }

  @Test
  void manifestUnknownInput() throws IOException {
    Path copy = withManifest("{\"task\": \"question-answering\", \"name\": \"m\", \"inputs\": [\"input_ids\","
        + " \"attention_mask\", \"position_ids\"], \"max_seq_len\": 384}");
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle: " + copy.resolve("corpusqa-model.json")
            + " is invalid: unknown input 'position_ids'; use input_ids, attention_mask, token_type_ids");
  }

  @Test
  void manifestWithoutAttentionMask() throws IOException {
    Path copy = withManifest("{\"task\": \"question-answering\", \"name\": \"m\", \"inputs\": [\"input_ids\"],"
        + " \"max_seq_len\": 384}");
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle: " + copy.resolve("corpusqa-model.json")
            + " is invalid: inputs must include 'attention_mask', got: [\"input_ids\"]");
  }

  @Test
  void manifestBadMaxSeqLen() throws IOException {
    Path copy = withManifest("{\"task\": \"question-answering\", \"name\": \"m\", \"inputs\": [\"input_ids\","
        + " \"attention_mask\"], \"max_seq_len\": \"long\"}");
    assertThatThrownBy(() -> ModelBundle.open(copy))
        .hasMessage("Cannot load model bundle: " + copy.resolve("corpusqa-model.json")
            + " is invalid: max_seq_len must be an integer of at least 8, got: \"long\"");
  }

  @Test
  void inputTheModelDoesNotTake() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_DISTILBERT, tmp.resolve("d"));
    Files.writeString(copy.resolve("corpusqa-model.json"),
        "{\"task\": \"question-answering\", \"name\": \"d\", \"inputs\": [\"input_ids\", \"attention_mask\","
            + " \"token_type_ids\"], \"max_seq_len\": 384}");
    ModelBundle bundle = ModelBundle.open(copy);
    assertThatThrownBy(() -> QaModel.load(bundle, Device.cpu(), 1))
        .isInstanceOf(ModelBundleException.class)
        .hasMessage("Cannot load model bundle " + copy + ": corpusqa-model.json lists inputs"
            + " [input_ids, attention_mask, token_type_ids] but model.pt's forward takes"
            + " [input_ids, attention_mask]; set \"inputs\" in corpusqa-model.json to the model's"
            + " forward arguments, in order");
  }

  @Test
  void outputsThatAreNotStartAndEndLogits() {
    ModelBundle bundle = ModelBundle.open(TestModels.BAD_OUTPUTS);
    assertThatThrownBy(() -> QaModel.load(bundle, Device.cpu(), 1))
        .isInstanceOf(ModelBundleException.class)
        .hasMessage("Cannot load model bundle " + TestModels.BAD_OUTPUTS + ": model.pt must return"
            + " (start_logits, end_logits), each of shape [batch, tokens], got shapes [(1, 4, 2)] for"
            + " one window of 4 tokens; export an AutoModelForQuestionAnswering with"
            + " tools/export-hf-model.py");
  }

  @Test
  void modelFileThatIsNotTorchScript() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("t"));
    Files.writeString(copy.resolve("model.pt"), "this is not a model");
    ModelBundle bundle = ModelBundle.open(copy);
    assertThatThrownBy(() -> QaModel.load(bundle, Device.cpu(), 1))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith("Cannot load model bundle " + copy + ": model.pt is not a TorchScript model")
        .hasMessageEndingWith("; export it with tools/export-hf-model.py");
  }

  @Test
  void tokenizerThatIsNotAHuggingFaceTokenizer() throws IOException {
    Path copy = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("k"));
    Files.writeString(copy.resolve("tokenizer.json"), "{\"vocab\": {}}");
    ModelBundle bundle = ModelBundle.open(copy);
    assertThatThrownBy(() -> QaModel.load(bundle, Device.cpu(), 1))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith("Cannot load model bundle " + copy + ": tokenizer.json is not a Hugging Face tokenizer (")
        .hasMessageEndingWith("); copy the model's own tokenizer.json into the bundle");
  }
}
