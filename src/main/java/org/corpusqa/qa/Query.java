package org.corpusqa.qa;

import java.io.Serializable;
import java.util.Objects;

/** One question asked of every document, with the settings that decode its answers. */
public record Query(String id, String question, DecodingSettings settings) implements Serializable {
  public Query {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(settings, "settings");
  }
}
