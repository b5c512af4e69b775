package org.corpusqa.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * A Hugging Face or Optimum folder taken as it is, without a {@code corpusqa-model.json}: what
 * {@code save_pretrained} and {@code optimum-cli export onnx --task question-answering} write, or a
 * hub repository that keeps its export in {@code onnx/model.onnx}.
 *
 * <ul>
 *   <li>task: {@code config.json}'s {@code architectures} must name a {@code *ForQuestionAnswering} or
 *       a {@code *ForSequenceClassification}, whose labels are {@code id2label}'s names by index
 *       ({@code LABEL_0}... for {@code num_labels} when it has none, as transformers names them);
 *   <li>inputs: the ONNX graph's input names, in its order (TorchScript: the forward's argument
 *       names, read when the model loads);
 *   <li>{@code max_seq_len}: the smaller of the tokenizer's {@code model_max_length} (when set: the
 *       tokenizer writes 10^30 for "no limit") and the positions the model has; RoBERTa-style models
 *       number positions after the padding id, so XLM-R's 514 positions take 512 tokens;
 *   <li>name: the folder's name; padding id: {@code config.json}'s {@code pad_token_id};
 *   <li>precision: fp16 or int8 when the ONNX graph's weights are half precision or 8-bit.
 * </ul>
 *
 * <p>The identity hashes only the files the model uses (config, tokenizer files, the model file and
 * its external weights), listed as {@link ModelBundle#sha256Of} does: hub folders carry other
 * formats' weights (safetensors, quantized variants) that do not decide the answers.
 */
final class HuggingFaceFolder {
  static final String CONFIG_FILE = "config.json";
  static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
  /** Model files in the order a folder is searched; exactly one may exist. */
  private static final List<String> MODEL_FILES = List.of("model.onnx", "onnx/model.onnx", "model.pt");
  /** Model types whose position ids start after the padding id (padding_idx + 1). */
  private static final Set<String> POSITIONS_AFTER_PADDING =
      Set.of("roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "data2vec-text", "ibert",
          "roberta-prelayernorm", "mpnet", "longformer");
  /** Hugging Face writes model_max_length = 10^30 when a tokenizer has no limit of its own. */
  private static final BigDecimal NO_LIMIT = BigDecimal.valueOf(1_000_000);
  private static final String FIX =
      "a Hugging Face folder holds config.json, tokenizer.json and model.onnx (or onnx/model.onnx);"
          + " write one with tools/export-hf-model.py --format onnx or optimum-cli export onnx --task"
          + " question-answering";

  private HuggingFaceFolder() {}

  static ModelBundle open(Path directory, ModelTask expected) {
    JsonNode config = readJson(directory, CONFIG_FILE);
    ModelTask task = task(directory, config, expected);
    List<String> labels = task == ModelTask.TEXT_CLASSIFICATION ? labels(directory, config) : List.of();
    if (!Files.isRegularFile(directory.resolve(ModelBundle.TOKENIZER_FILE))) {
      throw error(directory, "missing tokenizer.json (the fast tokenizer's file: tokenizer.save_pretrained writes"
          + " it); " + FIX);
    }
    Path modelFile = modelFile(directory);
    ModelFormat format = modelFile.getFileName().toString().endsWith(".onnx") ? ModelFormat.ONNX : ModelFormat.TORCHSCRIPT;
    Optional<JsonNode> tokenizerConfig =
        Files.isRegularFile(directory.resolve(TOKENIZER_CONFIG_FILE))
            ? Optional.of(readJson(directory, TOKENIZER_CONFIG_FILE))
            : Optional.empty();

    List<Path> used = new ArrayList<>(List.of(directory.resolve(CONFIG_FILE), directory.resolve(ModelBundle.TOKENIZER_FILE), modelFile));
    tokenizerConfig.ifPresent(c -> used.add(directory.resolve(TOKENIZER_CONFIG_FILE)));
    List<ModelInput> inputs = List.of();
    Precision precision = Precision.FP32;
    if (format == ModelFormat.ONNX) {
      OnnxGraph graph = OnnxGraph.read(directory, modelFile);
      precision = graph.precision();
      inputs = inputs(directory, modelFile, graph.inputs());
      for (String external : graph.externalData()) {
        Path data = modelFile.resolveSibling(external).normalize();
        if (!data.startsWith(directory)) {
          throw error(directory, directory.relativize(modelFile) + " keeps its weights in " + external
              + ", outside the folder; export it again so that its weights sit beside it");
        }
        if (!Files.isRegularFile(data)) {
          throw error(directory, directory.relativize(modelFile) + " keeps its weights in " + external
              + ", which is missing; copy the whole export folder");
        }
        used.add(data);
      }
    }
    String name = directory.getFileName() == null ? directory.toString() : directory.getFileName().toString();
    ModelManifest manifest =
        new ModelManifest(name, "", inputs, maxSeqLen(directory, config, tokenizerConfig), precision, padTokenId(config),
            task, labels);
    return new ModelBundle(directory, ModelBundle.Layout.HUGGING_FACE, manifest, format, modelFile,
        ModelBundle.sha256Of(directory, used));
  }

  /** The task that {@code architectures} names, which must be the one the caller needs (null: any). */
  private static ModelTask task(Path directory, JsonNode config, ModelTask expected) {
    JsonNode architectures = config.get("architectures");
    if (architectures == null || architectures.isNull() || (architectures.isArray() && architectures.isEmpty())) {
      throw error(directory, "config.json names no \"architectures\", so its task is unknown; save the model"
          + " with " + (expected == null ? "its AutoModelFor* class" : expected.autoClass()) + ".save_pretrained,"
          + " or add a corpusqa-model.json (see the README's Models section)");
    }
    if (!architectures.isArray()
        || !StreamSupport.stream(architectures.spliterator(), false).allMatch(JsonNode::isTextual)) {
      throw error(directory, "config.json's \"architectures\" must be a list of class names, e.g."
          + " [\"BertForQuestionAnswering\"], got: " + architectures);
    }
    List<String> names = StreamSupport.stream(architectures.spliterator(), false).map(JsonNode::asText).toList();
    if (expected == null) {
      return names.stream().map(ModelTask::ofArchitecture).flatMap(java.util.Optional::stream).findFirst()
          .orElseThrow(() -> error(directory, "config.json's architectures are " + names + ", none of a task"
              + " corpus-qa runs (" + ModelTask.allKeys() + "); export an " + ModelTask.QUESTION_ANSWERING.autoClass()
              + " or an " + ModelTask.TEXT_CLASSIFICATION.autoClass()));
    }
    if (names.stream().noneMatch(n -> n.endsWith(expected.architectureSuffix()))) {
      String needed = expected == ModelTask.QUESTION_ANSWERING
          ? "corpus-qa answers with extractive QA models"
          : "labels come from sequence-classification models";
      throw error(directory, "config.json's architectures are " + names + ", not a " + expected.key() + " model"
          + " (*" + expected.architectureSuffix() + "); " + needed + ": export an " + expected.autoClass());
    }
    return expected;
  }

  /**
   * The label names by output index: {@code id2label}, which must number 0 to n-1; without it,
   * transformers' own names {@code LABEL_i} for {@code num_labels} (2 when unsaid). Multi-label
   * models (sigmoid per label, {@code problem_type: multi_label_classification}) are refused: their
   * probabilities are not a softmax over labels.
   */
  private static List<String> labels(Path directory, JsonNode config) {
    if ("multi_label_classification".equals(config.path("problem_type").asText())) {
      throw error(directory, "config.json's problem_type is multi_label_classification; corpus-qa gives one"
          + " label per input (softmax over labels): export a single-label model");
    }
    JsonNode id2label = config.get("id2label");
    if (id2label == null || id2label.isNull() || id2label.isEmpty()) {
      int count = config.path("num_labels").asInt(2);
      List<String> names = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        names.add("LABEL_" + i);
      }
      return names;
    }
    if (!id2label.isObject()) {
      throw error(directory, "config.json's id2label must map label indexes to names, got: " + id2label);
    }
    String[] names = new String[id2label.size()];
    for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
      java.util.Map.Entry<String, JsonNode> entry = it.next();
      int index;
      try {
        index = Integer.parseInt(entry.getKey().strip());
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0 || index >= names.length || names[index] != null || !entry.getValue().isTextual()) {
        throw error(directory, "config.json's id2label must name each index from 0 to " + (names.length - 1)
            + " once, got: " + id2label);
      }
      names[index] = entry.getValue().asText();
    }
    if (java.util.Arrays.stream(names).distinct().count() < names.length) {
      throw error(directory, "config.json's id2label gives two labels the same name: " + id2label
          + "; rename them, as the labels table tells labels apart by name");
    }
    return List.of(names);
  }

  private static Path modelFile(Path directory) {
    List<Path> present =
        MODEL_FILES.stream().map(directory::resolve).filter(Files::isRegularFile).toList();
    if (present.isEmpty()) {
      throw error(directory, "missing model.onnx, onnx/model.onnx or model.pt (PyTorch weights such as"
          + " model.safetensors do not run in corpus-qa); " + FIX);
    }
    if (present.size() > 1) {
      throw error(directory, "it holds " + present.stream().map(p -> directory.relativize(p).toString()).toList()
          + ", so which one runs is unclear; keep one, or add a corpusqa-model.json beside model.pt or"
          + " model.onnx");
    }
    return present.get(0);
  }

  private static List<ModelInput> inputs(Path directory, Path modelFile, List<String> names) {
    List<ModelInput> inputs = new ArrayList<>();
    for (String name : names) {
      inputs.add(ModelInput.fromKey(name).orElseThrow(() -> error(directory, directory.relativize(modelFile)
          + " takes inputs " + names + "; corpus-qa feeds only " + ModelInput.allKeys()
          + ": export the model with those inputs (tools/export-hf-model.py --format onnx)")));
    }
    for (ModelInput required : List.of(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK)) {
      if (!inputs.contains(required)) {
        throw error(directory, directory.relativize(modelFile) + " takes inputs " + names + " without "
            + required.key() + "; export the model with input_ids and attention_mask"
            + " (tools/export-hf-model.py --format onnx)");
      }
    }
    return List.copyOf(inputs);
  }

  private static int maxSeqLen(Path directory, JsonNode config, Optional<JsonNode> tokenizerConfig) {
    Integer positions = null;
    JsonNode maxPositions = config.get("max_position_embeddings");
    if (maxPositions != null && maxPositions.canConvertToInt()) {
      positions = maxPositions.asInt();
      if (POSITIONS_AFTER_PADDING.contains(config.path("model_type").asText())) {
        positions -= padTokenId(config) + 1;
      }
    }
    Integer tokenizerLimit = null;
    JsonNode maxLength = tokenizerConfig.map(c -> c.get("model_max_length")).orElse(null);
    if (maxLength != null && !maxLength.isNull()) {
      BigDecimal value;
      try {
        value = new BigDecimal(maxLength.asText().strip());
      } catch (NumberFormatException e) {
        throw error(directory, "tokenizer_config.json's model_max_length must be a number, got: " + maxLength
            + "; fix it, or add a corpusqa-model.json with max_seq_len");
      }
      if (value.compareTo(NO_LIMIT) < 0) {
        tokenizerLimit = value.intValue();
      }
    }
    Integer limit = positions;
    if (tokenizerLimit != null) {
      limit = positions == null ? tokenizerLimit : Integer.valueOf(Math.min(positions, tokenizerLimit));
    }
    if (limit == null) {
      throw error(directory, "neither config.json's max_position_embeddings nor tokenizer_config.json's"
          + " model_max_length says how long a window may be; add a corpusqa-model.json with max_seq_len");
    }
    if (limit < 8) {
      throw error(directory, "config.json's max_position_embeddings and tokenizer_config.json's model_max_length"
          + " allow windows of at most " + limit + " tokens, fewer than 8; fix them, or add a corpusqa-model.json"
          + " with max_seq_len");
    }
    return limit;
  }

  /**
   * The config's {@code pad_token_id}; without one, the id Hugging Face's tokenizers give the
   * padding token of that model family: 1 for RoBERTa-style models ({@code <pad>}), 0 otherwise
   * ({@code [PAD]}).
   */
  private static int padTokenId(JsonNode config) {
    JsonNode pad = config.get("pad_token_id");
    if (pad != null && pad.canConvertToInt() && pad.asInt() >= 0) {
      return pad.asInt();
    }
    return POSITIONS_AFTER_PADDING.contains(config.path("model_type").asText()) ? 1 : 0;
  }

  private static JsonNode readJson(Path directory, String file) {
    try {
      JsonNode node = new ObjectMapper().readTree(directory.resolve(file).toFile());
      if (node == null || !node.isObject()) {
        throw error(directory, file + " is not a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw error(directory, file + " is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw error(directory, file + " cannot be read (" + e.getMessage() + ")");
    }
  }

  private static ModelBundleException error(Path directory, String reason) {
    return new ModelBundleException("Cannot load model folder " + directory + ": " + reason);
  }
}
