package org.corpusqa.qa;

import java.io.Serializable;
import java.util.Objects;
import org.corpusqa.digest.Sha256;

/**
 * One question asked of every document, with the settings that decode its answers and the
 * prefilter that picks the windows the model reads ({@link Prefilter#OFF}: all of them).
 */
public record Query(String id, String question, DecodingSettings settings, Prefilter prefilter) implements Serializable {
  public Query {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(prefilter, "prefilter");
  }

  /** A query that reads every window. */
  public Query(String id, String question, DecodingSettings settings) {
    this(id, question, settings, Prefilter.OFF);
  }

  /**
   * The sha256 of the question and its decoding settings: answers carry it, so that an incremental
   * run asks again when a query's wording or settings changed under the same id. The prefilter
   * counts only when on, so that queries written before it keep their identity (and their answers).
   */
  public String sha256() {
    return Sha256.of(question + "\n" + settings.asMap() + (prefilter.isOn() ? "\n" + prefilter : ""));
  }
}
