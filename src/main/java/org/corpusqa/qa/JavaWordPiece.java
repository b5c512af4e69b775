package org.corpusqa.qa;

import static org.corpusqa.qa.CharacterRules.ISOLATED;
import static org.corpusqa.qa.CharacterRules.REFUSED;
import static org.corpusqa.qa.CharacterRules.REMOVED;
import static org.corpusqa.qa.CharacterRules.SPACE;
import static org.corpusqa.qa.CharacterRules.WORD;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BERT's tokenizer (a {@code BertNormalizer}, the {@code BertPreTokenizer} and a {@code WordPiece}
 * model) in Java, giving what the Hugging Face library gives at about a twentieth of its cost: the
 * library spends 2.5 to 4 µs of CPU per token, and on a GPU the tokenizer is what the device would
 * wait for.
 *
 * <p>Exact by construction rather than by a second implementation of Unicode: what the normalizer
 * and pre-tokenizer do to each character is read from the library itself ({@link CharacterRules}).
 * They act on one character at a time (dropping it, making it a space, isolating punctuation and
 * Chinese characters, changing its case or accents), with one exception, which the rules find by
 * probing and refuse: accent stripping runs NFD, whose canonical reordering can move a combining
 * mark that stripping keeps past a neighbouring one. What is left in Java is splitting into words
 * and WordPiece's greedy longest match on the model's own vocabulary, both fully specified by the
 * file.
 *
 * <p>{@link #tokenize} returns {@code null} for a text it does not take, and the caller uses the
 * library: a text with a character outside the Basic Multilingual Plane, a character the rules
 * refuse, or an added token (the library matches those before splitting into words).
 */
final class JavaWordPiece {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(JavaWordPiece.class);
  /** Words longer than this are left to the library (BERT's limit is 100 characters). */
  private static final int LONGEST_WORD_LIMIT = 4096;

  private final PieceTable wordStarts;
  private final PieceTable continuations;
  private final int unknownId;
  private final int maxWordChars;
  private final int[] powersOf31;
  private final List<String> addedTokens;
  private final List<String> normalizedAddedTokens;
  private final CharacterRules rules;

  private JavaWordPiece(JsonNode model, CharacterRules rules, List<String> addedTokens,
      List<String> normalizedAddedTokens) {
    String prefix = model.path("continuing_subword_prefix").asText("##");
    Map<String, Integer> vocab = new java.util.HashMap<>();
    model.get("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    this.wordStarts = new PieceTable(vocab, "");
    this.continuations = new PieceTable(vocab, prefix);
    Integer unk = vocab.get(model.path("unk_token").asText("[UNK]"));
    this.unknownId = unk == null ? -1 : unk;
    this.maxWordChars = model.path("max_input_chars_per_word").asInt(100);
    this.powersOf31 = new int[maxWordChars + 1];
    powersOf31[0] = 1;
    for (int i = 1; i <= maxWordChars; i++) {
      powersOf31[i] = 31 * powersOf31[i - 1];
    }
    this.rules = rules;
    this.addedTokens = addedTokens;
    List<String> normalized = new ArrayList<>();
    for (String token : normalizedAddedTokens) {
      String form = normalize(token);
      // The library looks for it in a normalized text whose whitespace and Chinese characters'
      // padding normalize() does not reproduce; without whitespace in the token those
      // differences cannot make or break a match. Otherwise the library tokenizes every text.
      if (form == null || form.isEmpty() || form.indexOf(' ') >= 0) {
        throw new IllegalStateException("added token " + token + " cannot be looked for in Java");
      }
      normalized.add(form);
    }
    this.normalizedAddedTokens = normalized;
  }

  /**
   * The Java tokenizer for a {@code tokenizer.json} of BERT's kind, or {@code null} for any other
   * (XLM-R's Unigram, say), which the library then tokenizes alone.
   */
  static JavaWordPiece forTokenizer(Path tokenizerJson) throws IOException {
    JsonNode root = JSON.readTree(tokenizerJson.toFile());
    JsonNode normalizer = root.path("normalizer");
    JsonNode preTokenizer = root.path("pre_tokenizer");
    JsonNode model = root.path("model");
    // Without special tokens a BERT post-processor changes nothing; others (RoBERTa's, ByteLevel's)
    // may trim offsets.
    String postProcessor = root.path("post_processor").path("type").asText("");
    if (!"BertNormalizer".equals(normalizer.path("type").asText())
        || !"BertPreTokenizer".equals(preTokenizer.path("type").asText())
        || !"WordPiece".equals(model.path("type").asText())
        || !model.path("vocab").isObject()
        || !List.of("", "BertProcessing", "TemplateProcessing").contains(postProcessor)) {
      return null;
    }
    // The library refuses to tokenize a word it cannot split when the unknown token is missing.
    if (!model.path("vocab").has(model.path("unk_token").asText("[UNK]"))
        || model.path("max_input_chars_per_word").asInt(100) > LONGEST_WORD_LIMIT) {
      return null;
    }
    JsonNode stripNode = normalizer.path("strip_accents");
    boolean lowercase = normalizer.path("lowercase").asBoolean(true);
    boolean strips = stripNode.isBoolean() ? stripNode.asBoolean() : lowercase;
    List<String> added = new ArrayList<>();
    List<String> normalizedAdded = new ArrayList<>();
    for (JsonNode token : root.path("added_tokens")) {
      String content = token.path("content").asText();
      if (content.isEmpty()) {
        continue;
      }
      if (token.path("normalized").asBoolean(false)) {
        normalizedAdded.add(content);
      } else {
        added.add(content);
      }
    }
    try {
      CharacterRules rules = CharacterRules.of(normalizer, preTokenizer, strips);
      return new JavaWordPiece(model, rules, added, normalizedAdded);
    } catch (RuntimeException e) {
      // No probe tokenizer (the library refused its file, say) or an added token that cannot be
      // normalized: the library tokenizes every text, as fast as it does.
      LOG.warn("Tokenizing every text through the library, not the Java WordPiece: {}", e.toString());
      return null;
    }
  }

  /** The text's tokens as the library gives them, or {@code null} when this class does not take it. */
  TokenizedText tokenize(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      if (rules.kind(text.charAt(i)) == REFUSED) {
        return null;
      }
    }
    if (mayHoldAddedToken(text)) {
      return null;
    }
    Output out = new Output(length / 3 + 8);
    // The current word's normalized characters and the text span each came from.
    char[] word = new char[64];
    int[] from = new int[64];
    int size = 0;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      byte kind = rules.knownKind(c);
      if (kind == REMOVED) {
        continue;
      }
      if (kind == SPACE || kind == ISOLATED) {
        if (size > 0) {
          pieces(word, from, size, out);
          size = 0;
        }
        if (kind == ISOLATED) {
          word[0] = rules.single[c];
          from[0] = i;
          pieces(word, from, 1, out);
        }
        continue;
      }
      String many = rules.several[c];
      int count = many == null ? 1 : many.length();
      if (size + count > word.length) {
        word = Arrays.copyOf(word, 2 * (size + count));
        from = Arrays.copyOf(from, word.length);
      }
      for (int k = 0; k < count; k++) {
        word[size] = many == null ? rules.single[c] : many.charAt(k);
        from[size++] = i;
      }
    }
    if (size > 0) {
      pieces(word, from, size, out);
    }
    return out.result();
  }

  /**
   * One word's WordPiece tokens: from each position, the longest vocabulary entry (with the
   * continuation prefix after the first); a word longer than the limit, or with a position where no
   * entry matches, is one unknown token over the whole word.
   */
  private void pieces(char[] word, int[] from, int size, Output out) {
    int wordId = out.nextWordId++;
    int mark = out.size;
    if (size <= maxWordChars) {
      // Prefix hashes of the word, so that each candidate range's String.hashCode costs O(1).
      int[] prefix = new int[size + 1];
      for (int i = 0; i < size; i++) {
        prefix[i + 1] = 31 * prefix[i] + word[i];
      }
      int start = 0;
      while (start < size) {
        PieceTable table = start == 0 ? wordStarts : continuations;
        int end = Math.min(size, start + table.maxLength);
        int id = -1;
        for (; end > start; end--) {
          id = table.find(word, start, end, prefix[end] - prefix[start] * powersOf31[end - start]);
          if (id >= 0) {
            break;
          }
        }
        if (id < 0) {
          out.size = mark;
          break;
        }
        out.add(id, from[start], from[end - 1] + 1, wordId);
        start = end;
      }
      if (start == size) {
        return;
      }
    }
    out.add(unknownId, from[0], from[size - 1] + 1, wordId);
  }

  /**
   * Whether the library would find an added token in the text: its content as written (the
   * library matches those before normalizing, exactly) or, for those marked {@code normalized},
   * their normalized content in the text normalized by the same per-character rules.
   */
  private boolean mayHoldAddedToken(String text) {
    for (String token : addedTokens) {
      if (text.contains(token)) {
        return true;
      }
    }
    if (!normalizedAddedTokens.isEmpty()) {
      String normalized = normalize(text);
      for (String token : normalizedAddedTokens) {
        if (normalized == null || normalized.contains(token)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The text as the normalizer leaves it, but for the exact whitespace characters and the spaces
   * around Chinese characters, or {@code null} when one of its characters is refused.
   */
  private String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (rules.kind(c)) {
        case REMOVED -> { }
        case SPACE -> out.append(' ');
        case WORD, ISOLATED -> out.append(rules.normalized(c));
        default -> {
          return null;
        }
      }
    }
    return out.toString();
  }

  /**
   * Vocabulary entries (those starting with a prefix, without it) in an open-addressing table keyed
   * by {@link String#hashCode}, so that a range of a word is looked up from prefix hashes without
   * building a string.
   */
  private static final class PieceTable {
    private final String[] keys;
    private final int[] hashes;
    private final int[] ids;
    private final int mask;
    /**
     * One bit per hash value (mod 2^20): most candidate ranges are not entries, and this 128 KB set
     * turns them away without touching the table, which for a large vocabulary is out of cache.
     */
    private final long[] seen = new long[1 << 14];
    final int maxLength;

    PieceTable(Map<String, Integer> vocab, String prefix) {
      long entries = vocab.keySet().stream().filter(k -> k.startsWith(prefix) && k.length() > prefix.length()).count();
      int capacity = Integer.highestOneBit((int) Math.max(4, entries) * 4);
      keys = new String[capacity];
      hashes = new int[capacity];
      ids = new int[capacity];
      mask = capacity - 1;
      int longest = 0;
      for (Map.Entry<String, Integer> e : vocab.entrySet()) {
        String key = e.getKey();
        if (key.startsWith(prefix) && key.length() > prefix.length()) {
          String piece = key.substring(prefix.length());
          int slot = spread(piece.hashCode()) & mask;
          while (keys[slot] != null) {
            slot = (slot + 1) & mask;
          }
          keys[slot] = piece;
          hashes[slot] = piece.hashCode();
          ids[slot] = e.getValue();
          int bit = spread(piece.hashCode()) & 0xFFFFF;
          seen[bit >>> 6] |= 1L << bit;
          longest = Math.max(longest, piece.length());
        }
      }
      maxLength = longest;
    }

    /** The id of {@code chars[start, end)}, whose {@link String#hashCode} is {@code hash}, or -1. */
    int find(char[] chars, int start, int end, int hash) {
      int spread = spread(hash);
      int bit = spread & 0xFFFFF;
      if ((seen[bit >>> 6] & (1L << bit)) == 0) {
        return -1;
      }
      int slot = spread & mask;
      for (String key = keys[slot]; key != null; key = keys[slot = (slot + 1) & mask]) {
        if (hashes[slot] == hash && key.length() == end - start && matches(key, chars, start)) {
          return ids[slot];
        }
      }
      return -1;
    }

    private static boolean matches(String key, char[] chars, int start) {
      for (int i = 0; i < key.length(); i++) {
        if (key.charAt(i) != chars[start + i]) {
          return false;
        }
      }
      return true;
    }

    private static int spread(int hash) {
      return hash ^ (hash >>> 16);
    }
  }

  /** Growing primitive arrays of tokens. */
  private static final class Output {
    int[] ids;
    int[] starts;
    int[] ends;
    int[] words;
    int size;
    int nextWordId;

    Output(int capacity) {
      ids = new int[capacity];
      starts = new int[capacity];
      ends = new int[capacity];
      words = new int[capacity];
    }

    void add(int id, int start, int end, int word) {
      if (size == ids.length) {
        int grown = ids.length * 2;
        ids = Arrays.copyOf(ids, grown);
        starts = Arrays.copyOf(starts, grown);
        ends = Arrays.copyOf(ends, grown);
        words = Arrays.copyOf(words, grown);
      }
      ids[size] = id;
      starts[size] = start;
      ends[size] = end;
      words[size++] = word;
    }

    TokenizedText result() {
      return new TokenizedText(Arrays.copyOf(ids, size), Arrays.copyOf(starts, size), Arrays.copyOf(ends, size),
          Arrays.copyOf(words, size));
    }
  }
}
