package org.corpusqa.qa;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a BERT normalizer and pre-tokenizer make of each character of the Basic Multilingual Plane,
 * read from the Hugging Face library the first time the character is met: the library encodes
 * {@code "a" + c + "a"} with a probe tokenizer (the same normalizer and pre-tokenizer, a vocabulary
 * of one token per character), whose ids spell the normalized text out and whose word ids show the
 * splits. Shared by every tokenizer of the JVM with the same normalizer and pre-tokenizer, since
 * the vocabulary plays no part; a character's rule never changes once read.
 */
final class CharacterRules {
  static final byte UNKNOWN = 0;
  /** Kept inside a word, as the characters of {@link #single} or {@link #several}. */
  static final byte WORD = 1;
  /** Ends a word and is dropped (whitespace). */
  static final byte SPACE = 2;
  /** A word of its own (punctuation, a Chinese character), as the character of {@link #single}. */
  static final byte ISOLATED = 3;
  /** Dropped without ending a word (control and format characters, stripped accents). */
  static final byte REMOVED = 4;
  /** Not taken: a text with it goes to the library. */
  static final byte REFUSED = 5;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final VarHandle KIND = MethodHandles.arrayElementVarHandle(byte[].class);
  private static final Map<String, CharacterRules> BY_CONFIGURATION = new ConcurrentHashMap<>();

  /** Ids in the probe vocabulary: a character at the start of a word, after it, and unknown. */
  private static final int CONTINUED = 0x10000;
  private static final int PROBE_UNKNOWN = 0x20000;
  private static final char PROBE_LETTER = 'a';
  /** Stripped combining marks of canonical class 1 (tilde overlay) and 240 (ypogegrammeni). */
  private static final char LOW_CLASS_MARK = '\u0334';
  private static final char HIGH_CLASS_MARK = '\u0345';

  private final boolean stripsAccents;
  private final HuggingFaceTokenizer probe;
  private final byte[] kinds = new byte[0x10000];
  final char[] single = new char[0x10000];
  final String[] several = new String[0x10000];

  private CharacterRules(boolean stripsAccents, HuggingFaceTokenizer probe) {
    this.stripsAccents = stripsAccents;
    this.probe = probe;
  }

  /**
   * The rules of a normalizer and pre-tokenizer (their {@code tokenizer.json} objects), one per
   * configuration for the JVM's life: its probe tokenizer (131,071 entries, under a second to build)
   * is built once, and what was learnt is kept.
   */
  static CharacterRules of(JsonNode normalizer, JsonNode preTokenizer, boolean stripsAccents) {
    String key = normalizer + "|" + preTokenizer;
    return BY_CONFIGURATION.computeIfAbsent(key, k -> {
      try {
        return new CharacterRules(stripsAccents, probeTokenizer(normalizer, preTokenizer));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The character's kind, probed first if it has not been met yet; safe from any thread. */
  byte kind(char c) {
    byte kind = (byte) KIND.getAcquire(kinds, (int) c);
    return kind == UNKNOWN ? learn(c) : kind;
  }

  /**
   * The kind of a character already seen through {@link #kind} by this thread: a plain read, for the
   * hot loop's second pass.
   */
  byte knownKind(char c) {
    return kinds[c];
  }

  /** The normalized characters of a {@code WORD} or {@code ISOLATED} character. */
  String normalized(char c) {
    return several[c] != null ? several[c] : String.valueOf(single[c]);
  }

  /**
   * The same normalizer and pre-tokenizer, with a vocabulary of every BMP character as a word's start
   * (id = the character) and as a continuation (id = 0x10000 + the character).
   */
  private static HuggingFaceTokenizer probeTokenizer(JsonNode normalizer, JsonNode preTokenizer) throws IOException {
    ObjectNode vocab = JSON.createObjectNode();
    for (int c = 0; c < 0x10000; c++) {
      if (!Character.isSurrogate((char) c)) {
        vocab.put(String.valueOf((char) c), c);
        vocab.put("##" + (char) c, CONTINUED + c);
      }
    }
    vocab.put("[UNK]", PROBE_UNKNOWN);
    ObjectNode model = JSON.createObjectNode();
    model.put("type", "WordPiece");
    model.put("unk_token", "[UNK]");
    model.put("continuing_subword_prefix", "##");
    model.put("max_input_chars_per_word", 100);
    model.set("vocab", vocab);
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.set("added_tokens", JSON.createArrayNode());
    root.set("normalizer", normalizer);
    root.set("pre_tokenizer", preTokenizer);
    root.putNull("post_processor");
    root.putNull("decoder");
    root.set("model", model);
    Path file = Files.createTempFile("corpusqa-probe-tokenizer", ".json");
    try {
      JSON.writeValue(file.toFile(), root);
      return HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
          .optTruncation(false).optPadding(false).optWithOverflowingTokens(false).build();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Probes one character through the library and records what the normalizer makes of it. */
  private synchronized byte learn(char c) {
    byte known = kinds[c];
    if (known != UNKNOWN) {
      return known;
    }
    byte kind = REFUSED;
    try {
      if (!Character.isSurrogate(c)) {
        TokenizedText alone = probe("" + PROBE_LETTER + c + PROBE_LETTER);
        kind = classify(c, alone);
        if (kind != REFUSED && stripsAccents && movesAmongMarks(c, alone)) {
          kind = REFUSED;
        }
      }
    } catch (RuntimeException e) {
      // The library failed on a probe: texts with this character go to the library itself.
      kind = REFUSED;
    }
    KIND.setRelease(kinds, (int) c, kind);
    return kind;
  }

  /** What {@code "a" + c + "a"} ({@code alone}) shows the normalizer makes of {@code c}. */
  private byte classify(char c, TokenizedText alone) {
    int[] ids = alone.ids();
    int[] starts = alone.starts();
    int[] ends = alone.ends();
    int[] words = alone.wordIds();
    int n = ids.length;
    boolean framed = n >= 2 && ids[0] == PROBE_LETTER && words[0] == 0 && starts[0] == 0 && ends[0] == 1
        && starts[n - 1] == 2 && ends[n - 1] == 3;
    if (!framed) {
      return REFUSED;
    }
    int last = ids[n - 1];
    int lastWord = words[n - 1];
    if (n == 2) {
      if (last == CONTINUED + PROBE_LETTER && lastWord == 0) {
        return REMOVED;
      }
      return last == PROBE_LETTER && lastWord == 1 ? SPACE : REFUSED;
    }
    if (n == 3 && last == PROBE_LETTER && lastWord == 2 && words[1] == 1 && ids[1] < CONTINUED
        && starts[1] == 1 && ends[1] == 2) {
      single[c] = (char) ids[1];
      return ISOLATED;
    }
    if (last != CONTINUED + PROBE_LETTER || lastWord != 0) {
      return REFUSED;
    }
    StringBuilder normalized = new StringBuilder();
    for (int k = 1; k < n - 1; k++) {
      int id = ids[k];
      if (id < CONTINUED || id >= PROBE_UNKNOWN || words[k] != 0 || starts[k] != 1 || ends[k] != 2) {
        return REFUSED;
      }
      normalized.append((char) (id - CONTINUED));
    }
    if (normalized.length() == 1) {
      single[c] = normalized.charAt(0);
    } else {
      several[c] = normalized.toString();
    }
    return WORD;
  }

  /**
   * Whether the character's tokens change beside a stripped combining mark. Accent stripping runs NFD
   * over the whole text, whose canonical reordering sorts each run of combining marks by class, and a
   * moved character takes the alignment of the place it moves to: a kept character with a class
   * would swap with a stripped mark next to it and take its offset. So the character is probed before
   * a stripped mark of the lowest class (U+0334) and after one of a high class (U+0345), and must give
   * its lone probe's tokens with the following offsets shifted by one, nothing else. Asking the
   * library, not Java's Unicode tables, matters: some marks Java calls non-spacing (U+08D4-U+08E1)
   * the library keeps, with class 230.
   */
  private boolean movesAmongMarks(char c, TokenizedText alone) {
    TokenizedText before = probe("" + PROBE_LETTER + c + LOW_CLASS_MARK + PROBE_LETTER);
    TokenizedText after = probe("" + PROBE_LETTER + HIGH_CLASS_MARK + c + PROBE_LETTER);
    return !same(shifted(alone, 2), before) || !same(shifted(alone, 1), after);
  }

  private TokenizedText probe(String text) {
    return QaTokenizer.libraryTokenize(probe, text);
  }

  /** The same tokens as if one removed character were inserted at {@code at}. */
  private static TokenizedText shifted(TokenizedText tokens, int at) {
    int[] starts = tokens.starts().clone();
    int[] ends = tokens.ends().clone();
    for (int i = 0; i < starts.length; i++) {
      starts[i] += starts[i] >= at ? 1 : 0;
      ends[i] += ends[i] > at ? 1 : 0;
    }
    return new TokenizedText(tokens.ids(), starts, ends, tokens.wordIds());
  }

  private static boolean same(TokenizedText a, TokenizedText b) {
    return Arrays.equals(a.ids(), b.ids()) && Arrays.equals(a.starts(), b.starts())
        && Arrays.equals(a.ends(), b.ends()) && Arrays.equals(a.wordIds(), b.wordIds());
  }
}
