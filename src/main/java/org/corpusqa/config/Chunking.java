package org.corpusqa.config;

/**
 * How a backfill cuts its input into chunks, each answered and committed on its own.
 *
 * @param filesPerChunk files per chunk; 0 when chunking by a column
 * @param column chunk by each value of this column in [{@code from}, {@code to}] (string order of
 *     the value cast to a string: ISO dates and zero-padded numbers sort right); null by files
 */
public record Chunking(int filesPerChunk, String column, String from, String to) {
  public static Chunking byFiles(int filesPerChunk) {
    return new Chunking(filesPerChunk, null, null, null);
  }

  public static Chunking byColumn(String column, String from, String to) {
    return new Chunking(0, column, from, to);
  }

  public boolean byFiles() {
    return column == null;
  }

  @Override
  public String toString() {
    return byFiles() ? "files-per-chunk=" + filesPerChunk : column + " in [" + from + ", " + to + "]";
  }
}
