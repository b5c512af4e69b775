package org.corpusqa.qa;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Hugging Face tokenizer as the engine uses it: each text is tokenized once, whole, without
 * special tokens or truncation; windows are cut from those tokens afterwards, which is what the
 * tokenizer's own overflow windows give, without holding them all at once. Tokenizers of BERT's kind
 * run in Java ({@link JavaWordPiece}) for the texts it takes.
 */
public final class QaTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final PairTemplate template;
  private final SingleTemplate singleTemplate;
  private final int padTokenId;
  /** BERT's tokenizer in Java for the texts it takes, or {@code null} for other kinds of tokenizer. */
  private final JavaWordPiece javaWordPiece;
  private volatile boolean javaWordPieceOn = true;

  private QaTokenizer(HuggingFaceTokenizer tokenizer, int padTokenId, JavaWordPiece javaWordPiece) {
    this.tokenizer = tokenizer;
    this.javaWordPiece = javaWordPiece;
    this.template = readTemplate(tokenizer);
    this.singleTemplate = readSingleTemplate(tokenizer);
    this.padTokenId = padTokenId;
  }

  /**
   * Loads {@code tokenizer.json}; the caller has checked that the file exists.
   *
   * @param padTokenId the model's padding id, which fills the shorter windows of a batch
   */
  public static QaTokenizer load(Path tokenizerJson, int padTokenId) throws IOException {
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerJson)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .optWithOverflowingTokens(false)
            .build();
    return new QaTokenizer(tokenizer, padTokenId, JavaWordPiece.forTokenizer(tokenizerJson));
  }

  /** Whether BERT-kind tokenizers run in Java (the default); off, the library tokenizes every text. */
  public void useJavaWordPiece(boolean on) {
    javaWordPieceOn = on;
  }

  /** Whether this tokenizer has the Java path at all (BERT's kind: WordPiece after BERT's normalizer). */
  public boolean hasJavaWordPiece() {
    return javaWordPiece != null;
  }

  public PairTemplate template() {
    return template;
  }

  /** The layout of a text alone, for classification models' single-text windows. */
  public SingleTemplate singleTemplate() {
    return singleTemplate;
  }

  public int padTokenId() {
    return padTokenId;
  }

  /** The tokens of a sequence of ids as the tokenizer writes them, special tokens included. */
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, false);
  }

  /**
   * A text's tokens: from the Java WordPiece where the tokenizer is of BERT's kind and the text is
   * one it takes (the same tokens, an order of magnitude faster), else from the library.
   */
  public TokenizedText tokenize(String text) {
    if (javaWordPiece != null && javaWordPieceOn) {
      TokenizedText tokens = javaWordPiece.tokenize(text);
      if (tokens != null) {
        return tokens;
      }
    }
    return libraryTokenize(text);
  }

  /**
   * The library's tokens for a text, whatever the tokenizer's kind, through its own calls, asking
   * only for what windows need (ids, word ids, character spans): DJL's {@code encode} also builds
   * every token's string, type ids, masks and overflow (0-15% of its time on the synthetic
   * contracts, noisy). DJL's own text preparation (prefix space, lower case, accent stripping) is
   * skipped too, which is exact: {@link #load} sets none of those options, so it would return the
   * text unchanged.
   */
  TokenizedText libraryTokenize(String text) {
    return libraryTokenize(tokenizer, text);
  }

  /** A library tokenizer's tokens for a text (also {@link CharacterRules}' probes). */
  static TokenizedText libraryTokenize(HuggingFaceTokenizer tokenizer, String text) {
    TokenizersLibrary library = TokenizersLibrary.LIB;
    long encoding = library.encode(tokenizer.getHandle(), text, false);
    long[] ids;
    long[] words;
    CharSpan[] spans;
    try {
      ids = library.getTokenIds(encoding);
      words = library.getWordIds(encoding);
      spans = library.getTokenCharSpans(encoding);
    } finally {
      library.deleteEncoding(encoding);
    }
    int n = ids.length;
    int[] tokenIds = new int[n];
    int[] starts = new int[n];
    int[] ends = new int[n];
    int[] wordIds = new int[n];
    OffsetConverter offsets = OffsetConverter.forText(text);
    for (int i = 0; i < n; i++) {
      tokenIds[i] = Math.toIntExact(ids[i]);
      wordIds[i] = (int) words[i];
      starts[i] = offsets.toStringIndex(spans[i].getStart());
      ends[i] = offsets.toStringIndex(spans[i].getEnd());
    }
    return new TokenizedText(tokenIds, starts, ends, wordIds);
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  /**
   * Encodes a sample pair with special tokens and reads where they go: the tokens whose sequence id
   * is neither 0 (question) nor 1 (context) are the special tokens.
   */
  private static PairTemplate readTemplate(HuggingFaceTokenizer tokenizer) {
    Encoding pair = tokenizer.encode("a", "b", true, false);
    long[] seq = pair.getSequenceIds();
    long[] ids = pair.getIds();
    long[] types = pair.getTypeIds();
    int firstQuestion = indexOf(seq, 0, true);
    int lastQuestion = indexOf(seq, 0, false);
    int firstContext = indexOf(seq, 1, true);
    int lastContext = indexOf(seq, 1, false);
    if (firstQuestion < 0 || firstContext < 0 || firstContext < lastQuestion) {
      throw new IllegalArgumentException(
          "Cannot use tokenizer: it does not encode a pair as question then context, got sequence"
              + " ids: "
              + Arrays.toString(seq));
    }
    if (firstQuestion == 0) {
      throw new IllegalArgumentException(
          "Cannot use tokenizer: it adds no special token before the question, so there is no"
              + " position to score \"no answer\" on; use the model's own tokenizer.json");
    }
    return new PairTemplate(
        toInts(ids, 0, firstQuestion),
        toInts(types, 0, firstQuestion),
        toInts(ids, lastQuestion + 1, firstContext),
        toInts(types, lastQuestion + 1, firstContext),
        toInts(ids, lastContext + 1, ids.length),
        toInts(types, lastContext + 1, ids.length),
        (int) types[firstQuestion],
        (int) types[firstContext]);
  }

  /** Encodes a sample text with special tokens: those before and after its own token are the template. */
  private static SingleTemplate readSingleTemplate(HuggingFaceTokenizer tokenizer) {
    Encoding single = tokenizer.encode("a", true, false);
    long[] seq = single.getSequenceIds();
    long[] ids = single.getIds();
    long[] types = single.getTypeIds();
    int first = indexOf(seq, 0, true);
    int last = indexOf(seq, 0, false);
    if (first < 0) {
      throw new IllegalArgumentException(
          "Cannot use tokenizer: it encodes a text alone without a sequence, got sequence ids: " + Arrays.toString(seq));
    }
    return new SingleTemplate(toInts(ids, 0, first), toInts(types, 0, first), toInts(ids, last + 1, ids.length),
        toInts(types, last + 1, ids.length), (int) types[first]);
  }

  private static int indexOf(long[] values, long wanted, boolean first) {
    int found = -1;
    for (int i = 0; i < values.length; i++) {
      if (values[i] == wanted) {
        found = i;
        if (first) {
          break;
        }
      }
    }
    return found;
  }

  private static int[] toInts(long[] values, int from, int to) {
    int[] out = new int[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = (int) values[i];
    }
    return out;
  }
}
