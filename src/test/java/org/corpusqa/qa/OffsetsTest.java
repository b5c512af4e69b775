package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.corpusqa.model.QaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Character offsets are Java String indices into the original text, whatever the script. */
class OffsetsTest {
  private static final QaModel MODEL = EngineFixtures.TINY_BERT;

  static final String LATIN = "The performance security is 5 percent of the initial price.";
  static final String CYRILLIC = "Обеспечение исполнения контракта составляет 5 процентов цены.";
  static final String CJK = "合同履约担保 is 5% 的 initial price 价格.";
  static final String EMOJI = "Security 😀 обеспечение 👍🏽 контракта 🇷🇺 цена 😀😀 end";
  static final String COMBINING = "Cafe\u0301 обеспе\u0301чение na\u0308ive исполнения";
  static final String NBSP = "Размер\u00a0обеспечения\u00a0— 10\u00a0% цены, т.е. 2\u00a0400\u00a0000 рублей.";
  static final String CRLF = "Раздел 7.\r\n7.1. Обеспечение исполнения контракта.\r\n\r\n7.2. Цена\r\n";

  @ParameterizedTest
  @ValueSource(strings = {LATIN, CYRILLIC, CJK, EMOJI, COMBINING, NBSP, CRLF})
  void tokenOffsetsAreStringIndicesThatNeverSplitASurrogatePair(String text) {
    TokenizedText tokens = MODEL.tokenizer().tokenize(text);
    assertThat(tokens.size()).isPositive();
    boolean[] covered = new boolean[text.length()];
    int previousEnd = 0;
    for (int i = 0; i < tokens.size(); i++) {
      int start = tokens.starts()[i];
      int end = tokens.ends()[i];
      assertThat(start).isBetween(previousEnd, end - 1);
      assertThat(end).isLessThanOrEqualTo(text.length());
      assertThat(Character.isLowSurrogate(text.charAt(start))).isFalse();
      assertThat(end == text.length() || !Character.isLowSurrogate(text.charAt(end))).isTrue();
      for (int c = start; c < end; c++) {
        covered[c] = true;
      }
      previousEnd = end;
    }
    for (int c = 0; c < text.length(); c++) {
      char ch = text.charAt(c);
      boolean ignorable =
          Character.isWhitespace(ch) || Character.isSpaceChar(ch)
              || Character.getType(ch) == Character.NON_SPACING_MARK
              || Character.getType(ch) == Character.FORMAT;
      if (!ignorable) {
        assertThat(covered[c]).as("character %d (U+%04X) of %s", c, (int) ch, text).isTrue();
      }
    }
  }

  @Test
  void offsetsAfterAnEmojiCountUtf16Units() {
    String text = "😀 мир";
    TokenizedText tokens = MODEL.tokenizer().tokenize(text);
    int last = tokens.size() - 1;
    // The tokenizer counts code points (the emoji is one); Java counts two UTF-16 units.
    assertThat(text.substring(tokens.starts()[1], tokens.ends()[last])).isEqualTo("мир");
    assertThat(text.substring(tokens.starts()[0], tokens.ends()[0])).isEqualTo("😀");
  }

  @ParameterizedTest
  @ValueSource(strings = {LATIN, CYRILLIC, CJK, EMOJI, COMBINING, NBSP, CRLF})
  void answersAreExactSubstringsOfTheText(String text) {
    List<Document> docs = List.of(new Document("d", text), new Document("long", (text + " ").repeat(120)));
    for (boolean align : new boolean[] {true, false}) {
      DecodingSettings settings =
          DecodingSettings.DEFAULTS.with(DecodingKey.TOP_K, 20).with(DecodingKey.ALIGN_TO_WORDS, align);
      List<QaResult> results = new ArrayList<>();
      try (ForwardPass forward = MODEL.newForwardPass()) {
        QaEngine engine = new QaEngine(MODEL.tokenizer(), 384, EngineOptions.DEFAULTS);
        engine.answer(docs.iterator(), engine.prepare(List.of(new Query("q", "обеспечение", settings))), forward,
                WindowObserver.NONE)
            .forEachRemaining(results::add);
      }
      assertThat(results).hasSize(2);
      for (QaResult result : results) {
        assertThat(result.answers()).isNotEmpty();
        for (Answer a : result.answers()) {
          String doc = result.document().text();
          assertThat(a.text()).isEqualTo(doc.substring(a.startChar(), a.endChar()));
          assertThat(Character.isLowSurrogate(doc.charAt(a.startChar()))).isFalse();
          assertThat(a.endChar() == doc.length() || !Character.isLowSurrogate(doc.charAt(a.endChar()))).isTrue();
        }
      }
    }
  }
}
