package org.corpusqa.config;

import java.io.Serializable;
import java.util.List;

/**
 * The part of the corpus a run reads, for backfills: only some of its files, or only the rows whose
 * {@code column} (cast to a string) equals {@code value}; {@link #ALL} for a whole run.
 */
public record InputSlice(List<String> files, String column, String value) implements Serializable {
  public static final InputSlice ALL = new InputSlice(null, null, null);
}
