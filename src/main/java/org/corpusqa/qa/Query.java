package org.corpusqa.qa;

import java.io.Serializable;
import java.util.Objects;
import org.corpusqa.digest.Sha256;

/** One question asked of every document, with the settings that decode its answers. */
public record Query(String id, String question, DecodingSettings settings) implements Serializable {
  public Query {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(settings, "settings");
  }

  /**
   * The sha256 of the question and its decoding settings: answers carry it, so that an incremental
   * run asks again when a query's wording or settings changed under the same id.
   */
  public String sha256() {
    return Sha256.of(question + "\n" + settings.asMap());
  }
}
