package org.corpusqa.qa;

/**
 * Converts the tokenizer's offsets, counted in Unicode code points, to Java {@code String} indices
 * (UTF-16 units). They differ only after a character outside the Basic Multilingual Plane (an emoji,
 * say), so texts without one skip the table.
 */
final class OffsetConverter {
  private static final OffsetConverter IDENTITY = new OffsetConverter(null);

  private final int[] codePointToIndex;

  private OffsetConverter(int[] codePointToIndex) {
    this.codePointToIndex = codePointToIndex;
  }

  static OffsetConverter forText(String text) {
    int codePoints = text.codePointCount(0, text.length());
    if (codePoints == text.length()) {
      return IDENTITY;
    }
    int[] table = new int[codePoints + 1];
    int index = 0;
    for (int cp = 0; cp < codePoints; cp++) {
      table[cp] = index;
      index += Character.charCount(text.codePointAt(index));
    }
    table[codePoints] = index;
    return new OffsetConverter(table);
  }

  int toStringIndex(int codePointOffset) {
    return codePointToIndex == null ? codePointOffset : codePointToIndex[codePointOffset];
  }
}
