package org.corpusqa.qa;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a classification query ({@code task: classify}) turns its windows' label probabilities into
 * the document's label.
 *
 * @param aggregate how windows combine
 * @param positiveLabel the label a threshold applies to; null to take the most probable label
 * @param threshold the probability from which {@code positiveLabel} is decided, 0 to 1
 */
public record Classification(Aggregate aggregate, String positiveLabel, double threshold) implements Serializable {
  public Classification {
    if (aggregate == null) {
      throw new IllegalArgumentException("aggregate must be one of " + Aggregate.allKeys());
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be between 0 and 1, got: " + threshold);
    }
  }

  /** What the query's identity hashes, in a fixed order. */
  public Map<String, Object> asMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("aggregate", aggregate.key());
    out.put("positive_label", positiveLabel);
    out.put("threshold", threshold);
    return out;
  }
}
