package org.corpusqa.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The number format of a bundle's weights, as the export tool wrote it. The engine runs a model as
 * stored (DJL cannot recast a TorchScript module), so the bundle decides: fp16 for GPUs, int8 for
 * CPUs that may trade a little agreement for speed, fp32 otherwise.
 */
public enum Precision {
  FP32,
  FP16,
  INT8;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Precision> fromKey(String key) {
    return Arrays.stream(values()).filter(p -> p.key().equals(key)).findFirst();
  }

  static String allKeys() {
    return Arrays.stream(values()).map(Precision::key).collect(Collectors.joining(", "));
  }
}
