package org.corpusqa.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The tensors a question-answering model may take, by their Hugging Face names. */
public enum ModelInput {
  INPUT_IDS,
  ATTENTION_MASK,
  TOKEN_TYPE_IDS;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ModelInput> fromKey(String key) {
    return Arrays.stream(values()).filter(i -> i.key().equals(key)).findFirst();
  }

  public static String allKeys() {
    return Arrays.stream(values()).map(ModelInput::key).collect(Collectors.joining(", "));
  }
}
