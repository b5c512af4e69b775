package org.corpusqa.qa;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pools the candidate spans of all windows of one (document, question): converts token spans to
 * character spans (widened to whole words with {@code align_to_words}), keeps each character span
 * once with its best score, tracks the minimum no-answer score, and ranks the result.
 */
final class AnswerCollector {
  private final Document document;
  private final String text;
  private final DecodingSettings settings;
  private final Map<Long, Double> bestBySpan = new HashMap<>();
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
      bestBySpan.merge(((long) startChar << 32) | endChar, decoding.scores()[i], Math::max);
    }
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

  QaResult finish(Query query) {
    if (windows == 0) {
      return new QaResult(
          document, query, List.of(Answer.none(1, null, NoAnswerReason.EMPTY_TEXT)), 1.0, 0, 0, null);
    }
    record Candidate(long span, double score) {
      boolean isNull() {
        return span < 0;
      }
    }
    List<Candidate> candidates = new ArrayList<>(bestBySpan.size() + 1);
    bestBySpan.forEach((span, score) -> candidates.add(new Candidate(span, score)));
    // Spans are ranked by score, then by position so that the order never depends on hashing;
    // "no answer" goes last among equals, as in the pipeline's stable sort after appending it.
    candidates.sort(
        Comparator.comparingDouble(Candidate::score).reversed().thenComparingLong(Candidate::span));
    boolean aboveThreshold =
        settings.nullThreshold() != null && minNullScore > settings.nullThreshold();
    if (aboveThreshold) {
      candidates.add(0, new Candidate(-1, minNullScore));
    } else if (settings.handleImpossibleAnswer()) {
      int at = 0;
      while (at < candidates.size() && candidates.get(at).score() >= minNullScore) {
        at++;
      }
      candidates.add(at, new Candidate(-1, minNullScore));
    }
    List<Answer> answers = new ArrayList<>(settings.topK());
    for (Candidate c : candidates.subList(0, Math.min(settings.topK(), candidates.size()))) {
      int rank = answers.size() + 1;
      if (c.isNull()) {
        answers.add(Answer.none(rank, c.score(),
            aboveThreshold ? NoAnswerReason.ABOVE_NULL_THRESHOLD : NoAnswerReason.NO_ANSWER_PREFERRED));
      } else {
        int start = (int) (c.span() >>> 32);
        int end = (int) c.span();
        answers.add(Answer.span(rank, start, end, text.substring(start, end), c.score()));
      }
    }
    if (answers.isEmpty()) {
      answers.add(Answer.none(1, null, NoAnswerReason.NO_VALID_SPAN));
    }
    return new QaResult(document, query, List.copyOf(answers), minNullScore, windows, windows, null);
  }
}
