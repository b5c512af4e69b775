package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.corpusqa.bench.SyntheticCorpus;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BERT's tokenizer in Java gives exactly the library's tokens (ids, offsets, word ids) for every text
 * it takes, on real text in several languages and on random text from many Unicode blocks, and the
 * texts it must not take go to the library.
 */
class JavaWordPieceTest {
  private static final Path TEST_TOKENIZER = Path.of("src/test/resources/models/test-tokenizer.json");

  @ParameterizedTest
  @ValueSource(strings = {
    "src/test/resources/models/test-tokenizer.json", // lower case, accents kept, 1,111 pieces
    "jobs/models/contracts-demo/tokenizer.json",
    "tokenizers/bert-base-multilingual-uncased.tokenizer.json", // accents stripped (NFD), 105,879 pieces
    "tokenizers/bert-base-uncased.tokenizer.json"
  })
  void givesTheLibrarysTokensForEveryTextItTakes(String file) throws IOException {
    Path path = file.startsWith("tokenizers/") ? SharedData.ROOT.resolve(file) : Path.of(file);
    assumeTrue(Files.isRegularFile(path), "needs ../shared/tokenizers: not found at " + path);
    List<String> real = realTexts();
    List<String> random = randomTexts(2_000, 11);
    try (QaTokenizer tokenizer = QaTokenizer.load(path, 0)) {
      JavaWordPiece java = JavaWordPiece.forTokenizer(path);
      int realTaken = compare(java, tokenizer, real);
      int randomTaken = compare(java, tokenizer, random);
      compare(java, tokenizer, besideMarks());
      // Russian, English and the synthetic contracts are all within what it takes.
      assertThat(realTaken).isEqualTo(real.size());
      assertThat(randomTaken).isGreaterThan(random.size() / 2);
    }
  }

  @Test
  void textsWithAnAddedTokenOrABeyondBmpCharacterGoToTheLibrary() throws IOException {
    assertGoToTheLibrary(TEST_TOKENIZER, List.of("Цена [MASK] контракта", "обеспечение 😀 контракта"));
    JavaWordPiece java = JavaWordPiece.forTokenizer(TEST_TOKENIZER);
    try (QaTokenizer tokenizer = QaTokenizer.load(TEST_TOKENIZER, 0)) {
      // [MASK] is matched as written (not normalized): in lower case it is plain text, taken.
      String lower = "Цена [mask] контракта";
      assertSame(tokenizer.libraryTokenize(lower), java.tokenize(lower), lower);
      String plain = "Обеспечение исполнения контракта";
      assertThat(java.tokenize(plain)).isNotNull();
      tokenizer.useJavaWordPiece(false);
      assertSame(tokenizer.libraryTokenize(plain), tokenizer.tokenize(plain), plain);
    }
  }

  /** An added token marked {@code normalized} is found in the normalized text: "[mask]" then matches. */
  @Test
  void aNormalizedAddedTokenIsLookedForInTheNormalizedText(@TempDir Path tmp) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(TEST_TOKENIZER.toFile());
    for (JsonNode token : root.get("added_tokens")) {
      if (token.get("content").asText().equals("[MASK]")) {
        ((ObjectNode) token).put("normalized", true);
      }
    }
    Path file = tmp.resolve("tokenizer.json");
    json.writeValue(file.toFile(), root);
    assertGoToTheLibrary(file, List.of("Цена [mask] контракта", "Цена [MASK] контракта"));
    try (QaTokenizer tokenizer = QaTokenizer.load(file, 0)) {
      String plain = "Цена [маска] контракта";
      assertSame(tokenizer.libraryTokenize(plain), JavaWordPiece.forTokenizer(file).tokenize(plain), plain);
    }
  }

  /** The Java path does not take these texts, and the tokenizer gives the library's tokens for them. */
  private static void assertGoToTheLibrary(Path tokenizerJson, List<String> texts) throws IOException {
    JavaWordPiece java = JavaWordPiece.forTokenizer(tokenizerJson);
    try (QaTokenizer tokenizer = QaTokenizer.load(tokenizerJson, 0)) {
      for (String text : texts) {
        assertThat(java.tokenize(text)).as(text).isNull();
        assertSame(tokenizer.libraryTokenize(text), tokenizer.tokenize(text), text);
      }
    }
  }

  /**
   * Marks Java calls non-spacing that the library keeps when stripping accents, with canonical class
   * 230: NFD's reordering moves them past a stripped mark, and they take its offset. Such texts go
   * to the library (found by review: the Java path gave offsets one character off).
   */
  @Test
  void marksThatNfdReordersGoToTheLibraryWhenAccentsAreStripped() throws IOException {
    Path uncased = SharedData.ROOT.resolve("tokenizers/bert-base-uncased.tokenizer.json");
    assumeTrue(Files.isRegularFile(uncased), "needs ../shared/tokenizers: not found at " + uncased);
    assertGoToTheLibrary(uncased, List.of("a\u08D4\u0316", ".\u08D4\u0316", ".\u0345\u08D4"));
  }

  /** An added token looked for in normalized text, with whitespace in it: the library tokenizes all. */
  @Test
  void aNormalizedAddedTokenWithWhitespaceLeavesEveryTextToTheLibrary(@TempDir Path tmp) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(TEST_TOKENIZER.toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("added_tokens")).addObject()
        .put("id", 1111).put("content", "x ").put("single_word", false).put("lstrip", false)
        .put("rstrip", false).put("normalized", true).put("special", false);
    Path file = tmp.resolve("tokenizer.json");
    json.writeValue(file.toFile(), root);
    assertThat(JavaWordPiece.forTokenizer(file)).isNull();
    try (QaTokenizer tokenizer = QaTokenizer.load(file, 0)) {
      assertThat(tokenizer.hasJavaWordPiece()).isFalse();
    }
  }

  @Test
  void aSentencePieceTokenizerHasNoJavaPath() throws IOException {
    Path xlmr = SharedData.hfFixture("cls-xlm-roberta-nli").resolve("tokenizer.json");
    assertThat(JavaWordPiece.forTokenizer(xlmr)).isNull();
    try (QaTokenizer tokenizer = QaTokenizer.load(xlmr, 1)) {
      assertThat(tokenizer.hasJavaWordPiece()).isFalse();
      assertThat(tokenizer.tokenize("Обеспечение исполнения контракта").size()).isPositive();
    }
  }

  /** How many texts the Java path took; each of those must equal the library's tokens. */
  private static int compare(JavaWordPiece java, QaTokenizer tokenizer, List<String> texts) {
    int taken = 0;
    for (String text : texts) {
      TokenizedText mine = java.tokenize(text);
      if (mine != null) {
        taken++;
        assertSame(tokenizer.libraryTokenize(text), mine, text);
      }
    }
    return taken;
  }

  private static void assertSame(TokenizedText expected, TokenizedText actual, String text) {
    String what = "text of " + text.length() + " chars starting " + text.substring(0, Math.min(40, text.length()));
    assertThat(actual.ids()).as(what).isEqualTo(expected.ids());
    assertThat(actual.starts()).as(what).isEqualTo(expected.starts());
    assertThat(actual.ends()).as(what).isEqualTo(expected.ends());
    assertThat(actual.wordIds()).as(what).isEqualTo(expected.wordIds());
  }

  /** XQuAD (Russian, English) and SQuAD 2.0 contexts and questions, and the synthetic contracts. */
  private static List<String> realTexts() throws IOException {
    List<String> texts = new ArrayList<>();
    SyntheticCorpus.generate(36, 1).forEach(d -> texts.add(d.text()));
    for (String name : List.of("xquad.ru.json", "xquad.en.json", "squad-v2.0-dev-5-articles.json")) {
      Path file = SharedData.ROOT.resolve("data/qa").resolve(name);
      assumeTrue(Files.isRegularFile(file), "needs ../shared/data: not found at " + file);
      for (JsonNode article : new ObjectMapper().readTree(file.toFile()).get("data")) {
        for (JsonNode paragraph : article.get("paragraphs")) {
          texts.add(paragraph.get("context").asText());
          paragraph.get("qas").forEach(q -> texts.add(q.get("question").asText()));
        }
      }
    }
    return texts;
  }

  /** Every combining mark of the BMP before a stripped mark of class 1 and after one of class 240. */
  private static List<String> besideMarks() {
    List<String> texts = new ArrayList<>();
    for (char c = 0; c < 0xFFFF; c++) {
      int type = Character.getType(c);
      if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
          || type == Character.ENCLOSING_MARK) {
        texts.add("e" + c + "\u0334x");
        texts.add("e\u0345" + c + "x");
      }
    }
    return texts;
  }

  /**
   * Words of random characters from blocks where normalizers differ: controls, Latin-1 and accented
   * Latin, combining marks, Greek, Cyrillic, Hebrew and Arabic, Devanagari (spacing marks), Thai,
   * Hangul jamo and syllables, general punctuation and format characters, CJK and its compatibility
   * ideographs, fullwidth forms, specials; some words longer than WordPiece's limit.
   */
  static List<String> randomTexts(int count, long seed) {
    int[][] blocks = {
      {0x00, 0x7f}, {0x80, 0x24f}, {0x300, 0x36f}, {0x370, 0x3ff}, {0x400, 0x4ff}, {0x590, 0x6ff},
      {0x900, 0x97f}, {0xe00, 0xe7f}, {0x1100, 0x11ff}, {0x2000, 0x206f}, {0x3000, 0x30ff},
      {0x4e00, 0x4e80}, {0xac00, 0xac80}, {0xf900, 0xf920}, {0xfe00, 0xfeff}, {0xff00, 0xffef}, {0xfff0, 0xffff}
    };
    SplittableRandom random = new SplittableRandom(seed);
    List<String> texts = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(200);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(10);
        if (kind < 3) {
          text.append(' ');
        } else if (kind < 6) {
          text.append((char) ('a' + random.nextInt(26)));
        } else {
          int[] block = blocks[random.nextInt(blocks.length)];
          char c = (char) (block[0] + random.nextInt(block[1] - block[0] + 1));
          text.append(Character.isSurrogate(c) ? 'x' : c);
        }
      }
      if (t % 40 == 0) {
        text.append(" ").append("обеспечение".repeat(11)); // 121 characters: one unknown token
      }
      texts.add(text.toString());
    }
    return texts;
  }
}
