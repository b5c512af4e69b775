package org.corpusqa.qa;

import java.io.Serializable;
import java.util.Objects;
import org.corpusqa.digest.Sha256;

/**
 * One question asked of every document, with the settings that decode its answers and the
 * prefilter that picks the windows the model reads ({@link Prefilter#OFF}: all of them). A
 * classification query ({@code classification} set) asks a classification model instead: with a
 * question it classifies (question, window) pairs, with an empty one the windows' text alone; its
 * windows are cut by the same {@code settings}.
 */
public record Query(String id, String question, DecodingSettings settings, Prefilter prefilter,
    Classification classification) implements Serializable {
  public Query {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(prefilter, "prefilter");
  }

  /** An extractive question. */
  public Query(String id, String question, DecodingSettings settings, Prefilter prefilter) {
    this(id, question, settings, prefilter, null);
  }

  /** Whether a classification model answers this query with a label. */
  public boolean isClassification() {
    return classification != null;
  }

  /** A query that reads every window. */
  public Query(String id, String question, DecodingSettings settings) {
    this(id, question, settings, Prefilter.OFF);
  }

  /**
   * The sha256 of the question and its decoding settings: answers carry it, so that an incremental
   * run asks again when a query's wording or settings changed under the same id. The prefilter
   * counts only when on, so that queries written before it keep their identity (and their answers).
   * Settings added since count only where they change what is computed: an extractive query under
   * the pipeline's pooling (the default since it replaced corpus-qa's own rule) or with its question
   * uncut has a new identity, so incremental runs answer it again; one with {@code pooling: span}
   * and {@code max_question_len: 64} (the earlier rules) keeps its identity, and so does a
   * classification query, whose labels neither change.
   */
  public String sha256() {
    java.util.Map<String, Object> identity = settings.asMap();
    if (classification != null || settings.pooling() == AnswerPooling.SPAN) {
      identity.remove(DecodingKey.POOLING.key());
    }
    if (classification != null && settings.maxQuestionLen() == null) {
      identity.put(DecodingKey.MAX_QUESTION_LEN.key(), DecodingSettings.CLASSIFIER_MAX_QUESTION_LEN);
    }
    return Sha256.of(question + "\n" + identity + (prefilter.isOn() ? "\n" + prefilter : "")
        + (classification != null ? "\n" + classification.asMap() : ""));
  }
}
