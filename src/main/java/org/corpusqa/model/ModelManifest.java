package org.corpusqa.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code corpusqa-model.json}: what a bundle's model is and how to call it.
 *
 * @param name a human name, written into every answer row
 * @param version a human version
 * @param inputs the tensors the model's forward takes, in its argument order
 * @param maxSeqLen the longest window the model takes
 * @param precision the weights' number format (fp32 when the manifest does not say)
 * @param padTokenId the id that fills a batch's shorter windows: RoBERTa-style models number
 *     positions from the tokens that are not padding, so it must be the model's own (0 when unsaid)
 * @param task what the model computes
 * @param labels a classification model's label names, by output index (Hugging Face's {@code
 *     id2label}); empty for question answering
 */
public record ModelManifest(
    String name, String version, List<ModelInput> inputs, int maxSeqLen, Precision precision, int padTokenId,
    ModelTask task, List<String> labels) {
  public static final String FILE_NAME = "corpusqa-model.json";
  private static final Set<String> KEYS =
      Set.of("task", "name", "version", "inputs", "max_seq_len", "precision", "architecture", "created_by", "training",
          "pad_token_id", "labels");

  public ModelManifest {
    labels = List.copyOf(labels);
    if ((task == ModelTask.TEXT_CLASSIFICATION) == labels.isEmpty()) {
      throw new IllegalArgumentException("A classification model has labels and a QA model none, got: " + task
          + " with " + labels);
    }
  }

  /** A question-answering model's manifest. */
  public ModelManifest(
      String name, String version, List<ModelInput> inputs, int maxSeqLen, Precision precision, int padTokenId) {
    this(name, version, inputs, maxSeqLen, precision, padTokenId, ModelTask.QUESTION_ANSWERING, List.of());
  }

  /** Reads and checks the manifest; every message names the file and what to change. */
  static ModelManifest read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid(file, "it is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw invalid(file, "it cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw invalid(file, "it must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw invalid(
            file, "unknown key '" + key + "'; use only " + String.join(", ", KEYS.stream().sorted().toList()));
      }
    }
    String taskKey = text(file, root, "task");
    ModelTask task = ModelTask.fromKey(taskKey)
        .orElseThrow(() -> invalid(file, "task must be one of " + ModelTask.allKeys() + ", got: " + taskKey));
    List<String> labels = labels(file, task, root.get("labels"));
    String name = text(file, root, "name");
    String version = root.hasNonNull("version") ? root.get("version").asText() : "";
    JsonNode maxSeqLen = root.get("max_seq_len");
    if (maxSeqLen == null || !maxSeqLen.isInt() || maxSeqLen.asInt() < 8) {
      throw invalid(file, "max_seq_len must be an integer of at least 8, got: " + maxSeqLen);
    }
    Precision precision = Precision.FP32;
    if (root.hasNonNull("precision")) {
      String key = root.get("precision").asText();
      precision =
          Precision.fromKey(key)
              .orElseThrow(() -> invalid(file, "unknown precision '" + key + "'; use " + Precision.allKeys()));
    }
    JsonNode padTokenId = root.get("pad_token_id");
    if (padTokenId != null && (!padTokenId.isInt() || padTokenId.asInt() < 0)) {
      throw invalid(file, "pad_token_id must be a non-negative integer, got: " + padTokenId);
    }
    return new ModelManifest(name, version, inputs(file, root.get("inputs")), maxSeqLen.asInt(), precision,
        padTokenId == null ? 0 : padTokenId.asInt(), task, labels);
  }

  /** A classification model's label names, by output index; none for question answering. */
  private static List<String> labels(Path file, ModelTask task, JsonNode node) {
    if (task == ModelTask.QUESTION_ANSWERING) {
      if (node != null) {
        throw invalid(file, "labels are for text-classification models; remove them or set task");
      }
      return List.of();
    }
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw invalid(file, "a text-classification model needs labels, its label names by output index,"
          + " e.g. [\"no\", \"yes\"]");
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw invalid(file, "labels must be non-empty strings, got: " + node);
      }
      if (labels.contains(item.asText())) {
        throw invalid(file, "label '" + item.asText() + "' is listed twice");
      }
      labels.add(item.asText());
    }
    return labels;
  }

  private static List<ModelInput> inputs(Path file, JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw invalid(
          file, "inputs must be a list of the model's inputs, e.g. [\"input_ids\", \"attention_mask\"]");
    }
    List<ModelInput> inputs = new ArrayList<>();
    for (JsonNode item : node) {
      ModelInput input =
          ModelInput.fromKey(item.asText())
              .orElseThrow(
                  () -> invalid(file, "unknown input '" + item.asText() + "'; use " + ModelInput.allKeys()));
      if (inputs.contains(input)) {
        throw invalid(file, "input '" + input.key() + "' is listed twice");
      }
      inputs.add(input);
    }
    for (ModelInput required : List.of(ModelInput.INPUT_IDS, ModelInput.ATTENTION_MASK)) {
      if (!inputs.contains(required)) {
        throw invalid(file, "inputs must include '" + required.key() + "', got: " + node);
      }
    }
    return List.copyOf(inputs);
  }

  private static String text(Path file, JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw invalid(file, key + " must be a non-empty string");
    }
    return node.asText();
  }

  private static ModelBundleException invalid(Path file, String reason) {
    return new ModelBundleException("Cannot load model bundle: " + file + " is invalid: " + reason);
  }
}
