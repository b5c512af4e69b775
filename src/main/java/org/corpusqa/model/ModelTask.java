package org.corpusqa.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a model computes, by the names Hugging Face gives the task and its model classes. */
public enum ModelTask {
  /** Start and end logits per token: {@code *ForQuestionAnswering}. */
  QUESTION_ANSWERING("question-answering", "ForQuestionAnswering", "AutoModelForQuestionAnswering"),
  /** One logit per label for the whole input: {@code *ForSequenceClassification}. */
  TEXT_CLASSIFICATION("text-classification", "ForSequenceClassification", "AutoModelForSequenceClassification");

  private final String key;
  private final String architectureSuffix;
  private final String autoClass;

  ModelTask(String key, String architectureSuffix, String autoClass) {
    this.key = key;
    this.architectureSuffix = architectureSuffix;
    this.autoClass = autoClass;
  }

  /** The task's name in {@code corpusqa-model.json} and in Optimum's {@code --task}. */
  public String key() {
    return key;
  }

  /** How the names of the task's model classes end in {@code config.json}'s {@code architectures}. */
  public String architectureSuffix() {
    return architectureSuffix;
  }

  /** The transformers class that exports a model of this task. */
  public String autoClass() {
    return autoClass;
  }

  public static Optional<ModelTask> fromKey(String key) {
    return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
  }

  /** The task whose model classes an architecture name belongs to. */
  static Optional<ModelTask> ofArchitecture(String architecture) {
    return Arrays.stream(values()).filter(t -> architecture.endsWith(t.architectureSuffix)).findFirst();
  }

  public static String allKeys() {
    return Arrays.stream(values()).map(ModelTask::key).collect(Collectors.joining(", "));
  }
}
