package org.corpusqa.qa;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a classification query combines the label probabilities of a document's windows into the
 * document's. Each window's probabilities are the softmax of its logits, as Hugging Face's
 * text-classification pipeline gives for one input.
 */
public enum Aggregate {
  /** Each label's mean probability over the windows: every part of the document counts alike. */
  MEAN,
  /**
   * Each label's highest probability over the windows, then renormalised to sum to 1: a label that
   * one window is sure of wins, as "does the contract require a security anywhere?" asks.
   */
  MAX,
  /** The first window's probabilities only, as a model trained on truncated inputs saw them. */
  FIRST;

  /** As users write it, which is how picocli lists the choices in {@code --help}. */
  @Override
  public String toString() {
    return key();
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Aggregate> fromKey(String key) {
    return Arrays.stream(values()).filter(a -> a.key().equals(key)).findFirst();
  }

  public static String allKeys() {
    return Arrays.stream(values()).map(Aggregate::key).collect(Collectors.joining(", "));
  }
}
