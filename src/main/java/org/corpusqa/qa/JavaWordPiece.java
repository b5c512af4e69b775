package org.corpusqa.qa;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * BERT's tokenizer (a {@code BertNormalizer}, the {@code BertPreTokenizer} and a {@code WordPiece}
 * model) in Java, giving what the Hugging Face library gives, several times faster: the library
 * spends about 2.5 µs of CPU per token, mostly in normalizing through its alignment-tracking
 * strings, and on a GPU the tokenizer is what the device waits for.
 *
 * <p>Exact by construction rather than by a second implementation of Unicode: what the normalizer
 * does to a character (drops it, makes it a space, isolates it as punctuation or a Chinese
 * character, or keeps it in a word, and which characters it becomes) is not computed here but read
 * from the library itself, the first time a character is met, by encoding {@code "a" + c + "a"} with
 * a probe tokenizer: the same normalizer and pre-tokenizer with a vocabulary of one token per
 * character, whose ids spell out the normalized text. Normalizing, splitting on whitespace and
 * punctuation and the Chinese characters' padding are each a function of one character, so the
 * probes are the whole normalizer, with one exception handled by refusal: canonical reordering of
 * combining marks (accent stripping runs NFD) can move a character relative to its neighbours, so a
 * combining mark that stripping keeps is refused. What is left in Java is the splitting and WordPiece's
 * greedy longest match against the real vocabulary, both fully specified by the file.
 *
 * <p>{@link #tokenize} returns {@code null} for a text it does not take, and the caller uses the
 * library: a text with a character outside the Basic Multilingual Plane, a character whose probe
 * did not give one of the four patterns, or the content of an added token (those are matched by
 * the library before normalizing, and this class does not reproduce that).
 */
final class JavaWordPiece {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final VarHandle KIND = MethodHandles.arrayElementVarHandle(byte[].class);

  private static final byte UNKNOWN = 0;
  private static final byte WORD = 1;
  private static final byte SPACE = 2;
  private static final byte ISOLATED = 3;
  private static final byte REMOVED = 4;
  private static final byte REFUSED = 5;

  /** Ids in the probe vocabulary: a character at the start of a word, after it, and unknown. */
  private static final int CONTINUED = 0x10000;
  private static final int PROBE_UNKNOWN = 0x20000;
  private static final char PROBE_LETTER = 'a';

  private final PieceTable wordStarts;
  private final PieceTable continuations;
  private final int unknownId;
  private final int maxWordChars;
  private final boolean stripsAccents;
  private final List<String> addedTokens;
  private final List<String> normalizedAddedTokens;
  private final HuggingFaceTokenizer probe;

  /** Per BMP character: its kind, then (for one normalized character) that character, else all of them. */
  private final byte[] kinds = new byte[0x10000];
  private final char[] single = new char[0x10000];
  private final String[] several = new String[0x10000];

  private JavaWordPiece(JsonNode model, boolean stripsAccents, List<String> addedTokens,
      List<String> normalizedAddedTokens, HuggingFaceTokenizer probe) {
    String prefix = model.path("continuing_subword_prefix").asText("##");
    Map<String, Integer> vocab = new java.util.HashMap<>();
    model.get("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    this.wordStarts = new PieceTable(vocab, "");
    this.continuations = new PieceTable(vocab, prefix);
    Integer unk = vocab.get(model.path("unk_token").asText("[UNK]"));
    this.unknownId = unk == null ? -1 : unk;
    this.maxWordChars = model.path("max_input_chars_per_word").asInt(100);
    this.stripsAccents = stripsAccents;
    this.addedTokens = addedTokens;
    this.probe = probe;
    List<String> normalized = new ArrayList<>();
    for (String token : normalizedAddedTokens) {
      String form = normalize(token);
      if (form == null || form.isEmpty()) {
        // Its match in a normalized text could not be told: the library tokenizes every text.
        throw new IllegalStateException("added token cannot be normalized");
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
    if (!"BertNormalizer".equals(normalizer.path("type").asText())
        || !"BertPreTokenizer".equals(preTokenizer.path("type").asText())
        || !"WordPiece".equals(model.path("type").asText())
        || !model.path("vocab").isObject()) {
      return null;
    }
    // The library refuses to tokenize a word it cannot split when the unknown token is missing.
    if (!model.path("vocab").has(model.path("unk_token").asText("[UNK]"))) {
      return null;
    }
    JsonNode stripNode = normalizer.path("strip_accents");
    boolean lowercase = normalizer.path("lowercase").asBoolean(true);
    boolean strips = stripNode.isBoolean() ? stripNode.asBoolean() : lowercase;
    List<String> added = new ArrayList<>();
    List<String> normalizedAdded = new ArrayList<>();
    for (JsonNode token : root.path("added_tokens")) {
      added.add(token.path("content").asText());
      if (token.path("normalized").asBoolean(false)) {
        normalizedAdded.add(token.path("content").asText());
      }
    }
    HuggingFaceTokenizer probe = probeTokenizer(normalizer, preTokenizer);
    try {
      return new JavaWordPiece(model, strips, added, normalizedAdded, probe);
    } catch (IllegalStateException e) {
      probe.close();
      return null;
    }
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

  void close() {
    probe.close();
  }

  /** The text's tokens as the library gives them, or {@code null} when this class does not take it. */
  TokenizedText tokenize(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      byte kind = (byte) KIND.getAcquire(kinds, (int) c);
      if (kind == UNKNOWN) {
        kind = learn(c);
      }
      if (kind == REFUSED) {
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
      byte kind = kinds[c];
      if (kind == REMOVED) {
        continue;
      }
      if (kind == SPACE || kind == ISOLATED) {
        if (size > 0) {
          pieces(word, from, size, out);
          size = 0;
        }
        if (kind == ISOLATED) {
          word[0] = single[c];
          from[0] = i;
          pieces(word, from, 1, out);
        }
        continue;
      }
      String many = several[c];
      int count = many == null ? 1 : many.length();
      if (size + count > word.length) {
        word = Arrays.copyOf(word, 2 * (size + count));
        from = Arrays.copyOf(from, word.length);
      }
      for (int k = 0; k < count; k++) {
        word[size] = many == null ? single[c] : many.charAt(k);
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
      int start = 0;
      while (start < size) {
        PieceTable table = start == 0 ? wordStarts : continuations;
        int end = Math.min(size, start + table.maxLength);
        int id = -1;
        for (; end > start; end--) {
          id = table.find(word, start, end);
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
   * Whether an added token may occur in the text, as the library matches them (before normalizing,
   * or in the normalized text for those marked {@code normalized}): true for the raw content in any
   * case, or for the normalized content in the text normalized by the same per-character rules.
   */
  private boolean mayHoldAddedToken(String text) {
    for (String token : addedTokens) {
      if (containsIgnoreCase(text, token)) {
        return true;
      }
    }
    if (!normalizedAddedTokens.isEmpty()) {
      String normalized = normalize(text);
      for (String token : normalizedAddedTokens) {
        if (normalized == null || containsIgnoreCase(normalized, token)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The text as the normalizer leaves it, or {@code null} when one of its characters is refused. */
  private String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      byte kind = (byte) KIND.getAcquire(kinds, (int) c);
      if (kind == UNKNOWN) {
        kind = learn(c);
      }
      switch (kind) {
        case REMOVED -> { }
        case SPACE -> out.append(' ');
        case WORD, ISOLATED -> out.append(several[c] != null ? several[c] : String.valueOf(single[c]));
        default -> {
          return null;
        }
      }
    }
    return out.toString();
  }

  private static boolean containsIgnoreCase(String text, String token) {
    if (token.isEmpty()) {
      return false;
    }
    char first = token.charAt(0);
    char upper = Character.toUpperCase(first);
    char lower = Character.toLowerCase(first);
    int last = text.length() - token.length();
    for (int i = 0; i <= last; i++) {
      char c = text.charAt(i);
      if ((c == first || c == upper || c == lower || Character.toLowerCase(c) == lower)
          && text.regionMatches(true, i, token, 0, token.length())) {
        return true;
      }
    }
    return false;
  }

  /** Probes one character through the library and records what the normalizer makes of it. */
  private synchronized byte learn(char c) {
    byte known = kinds[c];
    if (known != UNKNOWN) {
      return known;
    }
    byte kind = Character.isSurrogate(c) ? REFUSED : classify(c);
    KIND.setRelease(kinds, (int) c, kind);
    return kind;
  }

  private byte classify(char c) {
    Probe p = Probe.of(probe, "" + PROBE_LETTER + c + PROBE_LETTER);
    int n = p.ids.length;
    boolean framed = n >= 2 && p.ids[0] == PROBE_LETTER && p.words[0] == 0 && p.starts[0] == 0 && p.ends[0] == 1
        && p.starts[n - 1] == 2 && p.ends[n - 1] == 3;
    if (!framed) {
      return REFUSED;
    }
    int last = p.ids[n - 1];
    long lastWord = p.words[n - 1];
    if (n == 2) {
      if (last == CONTINUED + PROBE_LETTER && lastWord == 0) {
        return REMOVED;
      }
      return last == PROBE_LETTER && lastWord == 1 ? SPACE : REFUSED;
    }
    if (n == 3 && last == PROBE_LETTER && lastWord == 2 && p.words[1] == 1 && p.ids[1] < CONTINUED
        && p.starts[1] == 1 && p.ends[1] == 2) {
      if (refusedMark((char) p.ids[1])) {
        return REFUSED;
      }
      single[c] = (char) p.ids[1];
      return ISOLATED;
    }
    if (last != CONTINUED + PROBE_LETTER || lastWord != 0) {
      return REFUSED;
    }
    StringBuilder normalized = new StringBuilder();
    for (int k = 1; k < n - 1; k++) {
      int id = p.ids[k];
      if (id < CONTINUED || id >= PROBE_UNKNOWN || p.words[k] != 0 || p.starts[k] != 1 || p.ends[k] != 2
          || refusedMark((char) (id - CONTINUED))) {
        return REFUSED;
      }
      normalized.append((char) (id - CONTINUED));
    }
    if (refusedMark(c)) {
      return REFUSED;
    }
    if (normalized.length() == 1) {
      single[c] = normalized.charAt(0);
    } else {
      several[c] = normalized.toString();
    }
    return WORD;
  }

  /**
   * Accent stripping runs NFD, whose canonical reordering sorts a run of combining marks by class:
   * the marks it removes (Mn) may move freely, but a spacing or enclosing mark it keeps could change
   * places with a neighbour, which a probe of one character cannot show.
   */
  private boolean refusedMark(char c) {
    int type = Character.getType(c);
    return stripsAccents && (type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK);
  }

  /** A probe's encoding: ids, code point offsets and word ids. */
  private record Probe(int[] ids, int[] starts, int[] ends, long[] words) {
    static Probe of(HuggingFaceTokenizer tokenizer, String text) {
      TokenizersLibrary library = TokenizersLibrary.LIB;
      long encoding = library.encode(tokenizer.getHandle(), text, false);
      try {
        long[] ids = library.getTokenIds(encoding);
        long[] words = library.getWordIds(encoding);
        CharSpan[] spans = library.getTokenCharSpans(encoding);
        int[] intIds = new int[ids.length];
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
          intIds[i] = (int) ids[i];
          starts[i] = spans[i].getStart();
          ends[i] = spans[i].getEnd();
        }
        return new Probe(intIds, starts, ends, words);
      } finally {
        library.deleteEncoding(encoding);
      }
    }
  }

  /**
   * Vocabulary entries (those starting with a prefix, without it) in an open-addressing table keyed
   * by {@link String#hashCode}, so that a range of a word is looked up from prefix hashes without
   * building a string.
   */
  private static final class PieceTable {
    private final String[] keys;
    private final int[] ids;
    private final int mask;
    final int maxLength;

    PieceTable(Map<String, Integer> vocab, String prefix) {
      int capacity = Integer.highestOneBit(Math.max(4, vocab.size()) * 4);
      keys = new String[capacity];
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
          ids[slot] = e.getValue();
          longest = Math.max(longest, piece.length());
        }
      }
      maxLength = longest;
    }

    int find(char[] chars, int start, int end) {
      int hash = 0;
      for (int i = start; i < end; i++) {
        hash = 31 * hash + chars[i];
      }
      int slot = spread(hash) & mask;
      for (String key = keys[slot]; key != null; key = keys[slot = (slot + 1) & mask]) {
        if (key.length() == end - start && matches(key, chars, start)) {
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
