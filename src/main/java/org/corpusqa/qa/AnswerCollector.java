package org.corpusqa.qa;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pools the candidate spans of all windows of one (document, question) into ranked answers:
 * converts token spans to character spans (widened to whole words with {@code align_to_words}),
 * pools them by the query's {@link AnswerPooling}, tracks the minimum no-answer score, and ranks.
 *
 * <p>Windows are decoded in whatever order their batches run, but the pipeline walks them in
 * document order, and with {@code pooling: text} the first occurrence of a text is where its answer
 * is reported, so each window's spans are kept until the last window is in and pooled then, in
 * window order (at most {@code 2 * top_k + 10} spans a window).
 */
final class AnswerCollector {
  private final Document document;
  private final String text;
  private final DecodingSettings settings;
  /** Each decoded window's spans in characters, best first, by window index. */
  private final TreeMap<Integer, List<AnswerSource>> spansByWindow = new TreeMap<>();
  private double minNullScore = Double.POSITIVE_INFINITY;
  private int windows;

  AnswerCollector(Document document, DecodingSettings settings) {
    this.document = document;
    this.text = document.text();
    this.settings = settings;
  }

  void add(Window window, WindowDecoding decoding, TokenizedText context) {
    windows++;
    minNullScore = Math.min(minNullScore, decoding.nullScore());
    int shift = window.contextFrom() - window.contextStart();
    List<AnswerSource> spans = new ArrayList<>(decoding.size());
    for (int i = 0; i < decoding.size(); i++) {
      int first = decoding.starts()[i] + shift;
      int last = decoding.ends()[i] + shift;
      int startChar;
      int endChar;
      if (settings.alignToWords()) {
        startChar = context.starts()[firstTokenOfWord(context, first, window.contextFrom())];
        endChar = context.ends()[lastTokenOfWord(context, last, window.contextTo())];
      } else {
        startChar = context.starts()[first];
        endChar = context.ends()[last];
      }
      spans.add(new AnswerSource(window.index(), startChar, endChar, decoding.scores()[i]));
    }
    spansByWindow.put(window.index(), spans);
  }

  /** Like the pipeline's {@code word_to_chars}: only the word's tokens inside this window count. */
  private static int firstTokenOfWord(TokenizedText context, int token, int windowFrom) {
    int word = context.wordIds()[token];
    if (word < 0) {
      return token;
    }
    while (token > windowFrom && context.wordIds()[token - 1] == word) {
      token--;
    }
    return token;
  }

  private static int lastTokenOfWord(TokenizedText context, int token, int windowTo) {
    int word = context.wordIds()[token];
    if (word < 0) {
      return token;
    }
    while (token + 1 < windowTo && context.wordIds()[token + 1] == word) {
      token++;
    }
    return token;
  }

  /** An answer being pooled: where it is reported, its score so far and what went into it. */
  private static final class Pooled {
    final int start;
    final int end;
    double score;
    final List<AnswerSource> sources = new ArrayList<>(2);

    Pooled(AnswerSource first) {
      this.start = first.startChar();
      this.end = first.endChar();
    }

    boolean isNull() {
      return start < 0;
    }
  }

  QaResult finish(Query query) {
    if (windows == 0) {
      return new QaResult(
          document, query, List.of(Answer.none(1, null, NoAnswerReason.EMPTY_TEXT)), 1.0, 0, 0, null);
    }
    List<Pooled> candidates = settings.pooling() == AnswerPooling.TEXT ? poolByText() : poolBySpan();
    Pooled noAnswer = new Pooled(new AnswerSource(-1, -1, -1, minNullScore));
    noAnswer.score = minNullScore;
    boolean aboveThreshold =
        settings.nullThreshold() != null && minNullScore > settings.nullThreshold();
    if (aboveThreshold) {
      candidates.add(0, noAnswer);
    } else if (settings.handleImpossibleAnswer()) {
      // The pipeline appends "no answer" and sorts stably: it goes after every span scoring as much.
      int at = 0;
      while (at < candidates.size() && candidates.get(at).score >= minNullScore) {
        at++;
      }
      candidates.add(at, noAnswer);
    }
    List<Answer> answers = new ArrayList<>(settings.topK());
    for (Pooled c : candidates.subList(0, Math.min(settings.topK(), candidates.size()))) {
      int rank = answers.size() + 1;
      if (c.isNull()) {
        answers.add(Answer.none(rank, c.score,
            aboveThreshold ? NoAnswerReason.ABOVE_NULL_THRESHOLD : NoAnswerReason.NO_ANSWER_PREFERRED));
      } else {
        answers.add(Answer.span(rank, c.start, c.end, text.substring(c.start, c.end), c.score, c.sources));
      }
    }
    if (answers.isEmpty()) {
      answers.add(Answer.none(1, null, NoAnswerReason.NO_VALID_SPAN));
    }
    return new QaResult(document, query, List.copyOf(answers), minNullScore, windows, windows, null);
  }

  /**
   * The pipeline's rule: spans whose texts are equal ignoring case are one answer, scored by the sum
   * of their scores, at the first one's place (windows in document order, each window's spans best
   * first); then a stable sort by score, so equal scores keep that order.
   */
  private List<Pooled> poolByText() {
    Map<String, Pooled> byText = new LinkedHashMap<>();
    for (List<AnswerSource> spans : spansByWindow.values()) {
      for (AnswerSource span : spans) {
        // Python's str.lower() and Java's toLowerCase(Locale.ROOT) both apply Unicode's full
        // lowercase mapping, final sigma included.
        String key = text.substring(span.startChar(), span.endChar()).toLowerCase(Locale.ROOT);
        Pooled answer = byText.computeIfAbsent(key, k -> new Pooled(span));
        answer.score += span.score();
        answer.sources.add(span);
      }
    }
    List<Pooled> ranked = new ArrayList<>(byText.values());
    ranked.sort(Comparator.comparingDouble((Pooled p) -> p.score).reversed());
    return ranked;
  }

  /**
   * corpus-qa's positional rule: each character span is one answer with its best score over the
   * windows, ranked by score, then by position, so that the order never depends on hashing.
   */
  private List<Pooled> poolBySpan() {
    Map<Long, Pooled> bySpan = new HashMap<>();
    for (List<AnswerSource> spans : spansByWindow.values()) {
      for (AnswerSource span : spans) {
        Pooled answer = bySpan.computeIfAbsent(((long) span.startChar() << 32) | span.endChar(), k -> new Pooled(span));
        answer.score = Math.max(answer.score, span.score());
        answer.sources.add(span);
      }
    }
    List<Pooled> ranked = new ArrayList<>(bySpan.values());
    ranked.sort(Comparator.comparingDouble((Pooled p) -> p.score).reversed()
        .thenComparingInt(p -> p.start).thenComparingInt(p -> p.end));
    return ranked;
  }
}
