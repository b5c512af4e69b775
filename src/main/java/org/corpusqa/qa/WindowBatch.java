package org.corpusqa.qa;

import java.util.List;

/**
 * Windows padded to the longest among them, as row-major {@code [rows, paddedLength]} arrays of
 * input ids, token type ids and attention mask.
 */
public final class WindowBatch {
  private final List<Window> windows;
  private final int rows;
  private final int paddedLength;
  private final long[] inputIds;
  private final long[] tokenTypeIds;
  private final long[] attentionMask;
  private final int realTokens;

  WindowBatch(List<Window> windows, int padId) {
    this.windows = windows;
    this.rows = windows.size();
    int longest = 0;
    int real = 0;
    for (Window w : windows) {
      longest = Math.max(longest, w.length());
      real += w.length();
    }
    this.paddedLength = longest;
    this.realTokens = real;
    int size = windows.size() * longest;
    this.inputIds = new long[size];
    this.tokenTypeIds = new long[size];
    this.attentionMask = new long[size];
    for (int row = 0; row < windows.size(); row++) {
      Window w = windows.get(row);
      int offset = row * longest;
      w.write(inputIds, tokenTypeIds, offset);
      java.util.Arrays.fill(attentionMask, offset, offset + w.length(), 1L);
      java.util.Arrays.fill(inputIds, offset + w.length(), offset + longest, padId);
    }
  }

  private WindowBatch(int rows, int length, long[] inputIds) {
    this.windows = List.of();
    this.rows = rows;
    this.paddedLength = length;
    this.realTokens = rows * length;
    this.inputIds = inputIds;
    this.tokenTypeIds = new long[rows * length];
    this.attentionMask = new long[rows * length];
    java.util.Arrays.fill(attentionMask, 1L);
  }

  /**
   * A batch of {@code rows} full windows of {@code length} tokens cut from the given ids, cycled,
   * for measuring the model alone on fixed shapes; it carries no windows to decode.
   */
  public static WindowBatch ofTokens(int rows, int length, int[] tokenIds) {
    long[] ids = new long[rows * length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokenIds[i % tokenIds.length];
    }
    return new WindowBatch(rows, length, ids);
  }

  /**
   * A batch of rows given as ids and token types (each row its own length, padded with {@code
   * padId}); it carries no windows to decode. For tests that lay out inputs by hand, to hold the
   * engine's windows against them.
   */
  static WindowBatch ofRows(List<long[]> ids, List<long[]> types, int padId) {
    int rows = ids.size();
    int longest = ids.stream().mapToInt(r -> r.length).max().orElse(0);
    long[] inputIds = new long[rows * longest];
    java.util.Arrays.fill(inputIds, padId);
    long[] typeIds = new long[rows * longest];
    long[] mask = new long[rows * longest];
    int real = 0;
    for (int row = 0; row < rows; row++) {
      long[] rowIds = ids.get(row);
      System.arraycopy(rowIds, 0, inputIds, row * longest, rowIds.length);
      System.arraycopy(types.get(row), 0, typeIds, row * longest, rowIds.length);
      java.util.Arrays.fill(mask, row * longest, row * longest + rowIds.length, 1L);
      real += rowIds.length;
    }
    return new WindowBatch(rows, longest, inputIds, typeIds, mask, real);
  }

  private WindowBatch(int rows, int length, long[] inputIds, long[] tokenTypeIds, long[] attentionMask, int real) {
    this.windows = List.of();
    this.rows = rows;
    this.paddedLength = length;
    this.realTokens = real;
    this.inputIds = inputIds;
    this.tokenTypeIds = tokenTypeIds;
    this.attentionMask = attentionMask;
  }

  public List<Window> windows() {
    return windows;
  }

  public int rows() {
    return rows;
  }

  public int paddedLength() {
    return paddedLength;
  }

  public long[] inputIds() {
    return inputIds;
  }

  public long[] tokenTypeIds() {
    return tokenTypeIds;
  }

  public long[] attentionMask() {
    return attentionMask;
  }

  public int realTokens() {
    return realTokens;
  }
}
