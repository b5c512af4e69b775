package org.corpusqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the official scripts' rules. */
class SquadMetricsTest {
  private static EvalQuestion q(String id, String... golds) {
    return new EvalQuestion(id, "?", List.of(golds), null);
  }

  private static LinkedHashMap<String, Double> probs(Object... idsAndProbs) {
    LinkedHashMap<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < idsAndProbs.length; i += 2) {
      map.put((String) idsAndProbs[i], (Double) idsAndProbs[i + 1]);
    }
    return map;
  }

  @Test
  void normalizationLowercasesDropsAsciiPunctuationArticlesAndExtraSpace() {
    assertThat(AnswerNormalizer.normalize("The  Quick, brown fox!")).isEqualTo("quick brown fox");
    assertThat(AnswerNormalizer.normalize("an apple and a banana, the end")).isEqualTo("apple and banana end");
    // Only whole words: "Anna", "theory" and "bAnana" keep their letters.
    assertThat(AnswerNormalizer.normalize("Anna theory bAnana")).isEqualTo("anna theory banana");
    // Russian: lower case, ASCII punctuation only; « » and the dash stay.
    assertThat(AnswerNormalizer.normalize("«Обеспечение» — 5 %, т.е. РУБЛИ"))
        .isEqualTo("«обеспечение» — 5 те рубли");
    // Python's whitespace includes NBSP and the ideographic space.
    assertThat(AnswerNormalizer.normalize("10\u00a0000\u3000руб")).isEqualTo("10 000 руб");
    // A combining accent is not a word character for Python's \b: "a" before it is an article.
    assertThat(AnswerNormalizer.normalize("a\u0301b")).isEqualTo("\u0301b");
    // An article glued to a digit or a letter of any script is part of a word.
    assertThat(AnswerNormalizer.normalize("a1 theЖ the")).isEqualTo("a1 theж");
  }

  @Test
  void exactAndF1TakeTheBestOfSeveralGolds() {
    Map<String, Object> m = SquadMetrics.v11(
        List.of(q("1", "the big cat", "a dog"), q("2", "Denver Broncos")),
        Map.of("1", "Dog", "2", "Broncos of Denver"));
    // 1: exact via "a dog"; 2: tokens {broncos, of, denver} vs {denver, broncos}: p 2/3, r 1 -> 0.8
    assertThat((Double) m.get("exact_match")).isCloseTo(50.0, within(1e-12));
    assertThat((Double) m.get("f1")).isCloseTo(100.0 * (1 + 0.8) / 2, within(1e-12));
  }

  @Test
  void v11CountsMissingPredictionsInTheTotal() {
    Map<String, Object> m = SquadMetrics.v11(List.of(q("1", "x"), q("2", "y"), q("3", "z"), q("4", "w")),
        Map.of("1", "x"));
    assertThat(m).containsEntry("exact_match", 25.0).containsEntry("f1", 25.0);
    assertThat(m).containsOnlyKeys("exact_match", "f1");
  }

  @Test
  void v11GivesNoF1ToTwoEmptyAnswers() {
    // Gold "The" normalizes to nothing: exact matches an empty prediction, F1 is 0 (no common token).
    Map<String, Object> m = SquadMetrics.v11(List.of(q("1", "The")), Map.of("1", ""));
    assertThat(m).containsEntry("exact_match", 100.0).containsEntry("f1", 0.0);
  }

  @Test
  void v20ScoresUnanswerableQuestionsAgainstTheEmptyAnswer() {
    List<EvalQuestion> questions = List.of(
        q("has", "Paris"),
        q("none"),            // no answers: unanswerable
        q("articleOnly", "the"), // answers listed, but all empty after normalization
        q("missing", "x"));
    Map<String, String> predictions = Map.of("has", "paris france", "none", "", "articleOnly", "a");
    Map<String, Object> m = SquadMetrics.v20(questions, predictions, null);
    // Missing predictions are left out of the total; has: F1 2/3; none: exact; articleOnly: gold '' and
    // prediction "a" -> '' : exact.
    assertThat(m.get("total")).isEqualTo(3);
    assertThat((Double) m.get("exact")).isCloseTo(200.0 / 3, within(1e-12));
    assertThat((Double) m.get("f1")).isCloseTo(100.0 * (2.0 / 3 + 1 + 1) / 3, within(1e-12));
    // has_ans is bool(answers): "articleOnly" counts as answerable.
    assertThat(m.get("HasAns_total")).isEqualTo(2);
    assertThat(m.get("NoAns_total")).isEqualTo(1);
    assertThat(m).doesNotContainKey("best_f1");
  }

  @Test
  void v20AppliesTheNoAnswerProbabilityAboveOne() {
    Map<String, Object> m = SquadMetrics.v20(List.of(q("a", "x"), q("b")), Map.of("a", "x", "b", "y"),
        probs("a", 1.5, "b", 0.2));
    // a: na_prob > 1.0 -> predicted no-answer on an answerable question: 0; b: "y" vs '' -> 0.
    assertThat(m).containsEntry("exact", 0.0).containsEntry("HasAns_exact", 0.0);
  }

  @Test
  void thresholdSweepFindsTheBestCut() {
    List<EvalQuestion> questions = List.of(q("a", "x"), q("b"), q("c", "y z"), q("d"));
    Map<String, String> predictions = Map.of("a", "x", "b", "w", "c", "y", "d", "");
    Map<String, Object> m = SquadMetrics.v20(questions, predictions, probs("a", 0.1, "b", 0.9, "c", 0.3, "d", 0.5));
    // Start with 2 (the no-answer questions). In rising na_prob order: a +1 (3, thresh 0.1),
    // c +0 exact / +2/3 f1, d 0, b -1. Best exact 3/4 at 0.1; best f1 (2 + 1 + 2/3)/4 at 0.3.
    assertThat((Double) m.get("best_exact")).isCloseTo(75.0, within(1e-12));
    assertThat((Double) m.get("best_exact_thresh")).isEqualTo(0.1);
    assertThat((Double) m.get("best_f1")).isCloseTo(100.0 * (2 + 1 + 2.0 / 3) / 4, within(1e-12));
    assertThat((Double) m.get("best_f1_thresh")).isEqualTo(0.3);
  }

  @Test
  void tiesInTheSweepKeepTheOrderOfTheNaProbsFile() {
    List<EvalQuestion> questions = List.of(q("has", "x"), q("none"));
    Map<String, String> predictions = Map.of("has", "x", "none", "oops");
    // Same probability: listed has-first, the sweep reaches 2 before dropping; none-first, it never rises.
    Map<String, Object> hasFirst = SquadMetrics.v20(questions, predictions, probs("has", 0.5, "none", 0.5));
    Map<String, Object> noneFirst = SquadMetrics.v20(questions, predictions, probs("none", 0.5, "has", 0.5));
    assertThat(hasFirst).containsEntry("best_exact", 100.0).containsEntry("best_exact_thresh", 0.5);
    assertThat(noneFirst).containsEntry("best_exact", 50.0).containsEntry("best_exact_thresh", 0.0);
  }

  @Test
  void unicodeAnswersScoreByTokens() {
    Map<String, Object> m = SquadMetrics.v11(List.of(q("1", "обеспечение исполнения контракта")),
        Map.of("1", "Обеспечение исполнения"));
    assertThat((Double) m.get("exact_match")).isZero();
    assertThat((Double) m.get("f1")).isCloseTo(100.0 * 0.8, within(1e-12));
  }

  @Test
  void goldPredictionsScore100() {
    List<EvalQuestion> questions = List.of(q("1", "Saint Bernadette Soubirous", "a copper statue"), q("2"));
    Map<String, Object> m = SquadMetrics.v20(questions, Map.of("1", "a copper statue", "2", ""), probs("1", 0.0, "2", 0.0));
    assertThat(m).containsEntry("exact", 100.0).containsEntry("f1", 100.0).containsEntry("best_f1", 100.0);
  }
}
