package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pipeline decoding on hand-set logits, through the real windows and tokenizer. */
class DecodingTest {
  private static final QaTokenizer TOKENIZER = EngineFixtures.tokenizer();
  private static final DecodingSettings NO_ALIGN =
      DecodingSettings.DEFAULTS.with(DecodingKey.ALIGN_TO_WORDS, false);

  /** Logits set on document tokens: start and end maps from token to logit. */
  private static ScriptedForwardPass script(Map<Integer, Double> starts, Map<Integer, Double> ends) {
    return script(starts, ends, window -> 0.0);
  }

  private static ScriptedForwardPass script(
      Map<Integer, Double> starts, Map<Integer, Double> ends, java.util.function.IntToDoubleFunction nullLogit) {
    return new ScriptedForwardPass(
        new ScriptedForwardPass.Script() {
          @Override
          public double start(String docId, int token) {
            return starts.getOrDefault(token, Double.NaN);
          }

          @Override
          public double end(String docId, int token) {
            return ends.getOrDefault(token, Double.NaN);
          }

          @Override
          public double nullLogit(String docId, int window) {
            return nullLogit.applyAsDouble(window);
          }
        });
  }

  private static QaResult answerOne(String text, DecodingSettings settings, ScriptedForwardPass model) {
    List<QaResult> results =
        EngineFixtures.answer(List.of(new Query("q", "срок поставки", settings)), List.of(new Document("d", text)), model);
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private static String chars(String text, int firstToken, int lastToken) {
    TokenizedText t = TOKENIZER.tokenize(text);
    return text.substring(t.starts()[firstToken], t.ends()[lastToken]);
  }

  @Test
  void spanLongerThanMaxAnswerLenIsExcluded() {
    String text = "один два три четыре пять шесть семь восемь девять десять";
    ScriptedForwardPass model = script(Map.of(1, 8.0), Map.of(8, 9.0, 3, 7.0));
    QaResult longAllowed = answerOne(text, NO_ALIGN.with(DecodingKey.MAX_ANSWER_LEN, 10), model);
    assertThat(longAllowed.answers().get(0).text()).isEqualTo(chars(text, 1, 8));
    QaResult capped = answerOne(text, NO_ALIGN.with(DecodingKey.MAX_ANSWER_LEN, 5), model);
    assertThat(capped.answers().get(0).text()).isEqualTo(chars(text, 1, 3));
  }

  @Test
  void endBeforeStartIsNeverASpan() {
    String text = "один два три четыре пять";
    // The best end comes before the best start: the pipeline's upper-triangular mask forbids it.
    ScriptedForwardPass model = script(Map.of(3, 9.0, 0, 1.0), Map.of(1, 9.0, 4, 3.0));
    Answer best = answerOne(text, NO_ALIGN, model).answers().get(0);
    assertThat(best.startChar()).isLessThan(best.endChar());
    assertThat(best.text()).isEqualTo(chars(text, 3, 4));
  }

  @Test
  void bestSpanAcrossWindowsWins() {
    String text = EngineFixtures.longText(6_000);
    int n = TOKENIZER.tokenize(text).size();
    int late = n - 20; // only in the last window
    ScriptedForwardPass model = script(Map.of(5, 4.0, late, 9.0), Map.of(6, 4.0, late + 1, 9.0));
    QaResult result = answerOne(text, NO_ALIGN, model);
    assertThat(result.windows()).isGreaterThan(2);
    assertThat(result.answers().get(0).text()).isEqualTo(chars(text, late, late + 1));
  }

  @Test
  void spanInTheOverlapOfTwoWindowsAppearsOnceWithItsBestScoreWhenPoolingBySpan() {
    String text = EngineFixtures.longText(3_000);
    DecodingSettings settings = NO_ALIGN.with(DecodingKey.TOP_K, 3).with(DecodingKey.POOLING, AnswerPooling.SPAN);
    Query query = new Query("q", "срок поставки", settings);
    TokenizedText question = TOKENIZER.tokenize("срок поставки");
    QuestionWork work =
        new QuestionWork(new Document("d", text), TOKENIZER.tokenize(text), query, question, TOKENIZER.template());
    Window first = work.nextWindow();
    Window second = work.nextWindow();
    int shared = second.contextFrom() + 10;
    assertThat(shared).isLessThan(first.contextTo());
    ScriptedForwardPass model = script(Map.of(shared, 9.0), Map.of(shared, 9.0));
    QaResult result = answerOne(text, settings, model);
    List<Answer> answers = result.answers();
    assertThat(answers).hasSize(3);
    assertThat(answers.get(0).text()).isEqualTo(chars(text, shared, shared));
    assertThat(answers).extracting(Answer::startChar).doesNotHaveDuplicates();
    // The two windows give the span different scores (different softmax denominators): the best counts.
    double inFirst = spanScore(first, shared, 9.0, 0.0);
    double inSecond = spanScore(second, shared, 9.0, 0.0);
    assertThat(inFirst).isNotCloseTo(inSecond, within(1e-6));
    assertThat(answers.get(0).score()).isCloseTo(Math.max(inFirst, inSecond), within(1e-9));
  }

  @Test
  void spanInTheOverlapOfTwoWindowsAddsItsScoresAsThePipelineDoes() {
    String text = EngineFixtures.longText(3_000);
    DecodingSettings settings = NO_ALIGN.with(DecodingKey.TOP_K, 3);
    assertThat(settings.pooling()).isEqualTo(AnswerPooling.TEXT);
    Query query = new Query("q", "срок поставки", settings);
    QuestionWork work = new QuestionWork(new Document("d", text), TOKENIZER.tokenize(text), query,
        TOKENIZER.tokenize("срок поставки"), TOKENIZER.template());
    Window first = work.nextWindow();
    Window second = work.nextWindow();
    int shared = second.contextFrom() + 10;
    ScriptedForwardPass model = script(Map.of(shared, 9.0), Map.of(shared, 9.0));
    Answer best = answerOne(text, settings, model).answers().get(0);
    assertThat(best.text()).isEqualTo(chars(text, shared, shared));
    double inFirst = spanScore(first, shared, 9.0, 0.0);
    double inSecond = spanScore(second, shared, 9.0, 0.0);
    assertThat(best.score()).isCloseTo(inFirst + inSecond, within(1e-9));
    assertThat(best.sources()).extracting(AnswerSource::window).containsExactly(0, 1);
  }

  @Test
  void aRepeatedPhraseIsOneAnswerAtItsFirstPlaceWithTheSumOfItsScores() {
    String text = EngineFixtures.longText(6_000);
    TokenizedText tokens = TOKENIZER.tokenize(text);
    // The sentence repeats: the same token text early (first window only) and late (last window only).
    int early = tokens.size() - 1;
    int late = -1;
    String piece = null;
    for (int t = 1; t < tokens.size() && late < 0; t++) {
      String candidate = text.substring(tokens.starts()[t], tokens.ends()[t]);
      if (candidate.startsWith("Поставщик")) {
        if (piece == null) {
          early = t;
          piece = candidate;
        }
      }
    }
    for (int t = tokens.size() - 1; t > early; t--) {
      if (text.substring(tokens.starts()[t], tokens.ends()[t]).equals(piece)) {
        late = t;
        break;
      }
    }
    assertThat(piece).isNotNull();
    assertThat(late).isGreaterThan(early);
    ScriptedForwardPass model = script(Map.of(early, 6.0, late, 9.0), Map.of(early, 6.0, late, 9.0));

    QaResult byText = answerOne(text, NO_ALIGN, model);
    assertThat(byText.windows()).isGreaterThan(2);
    Answer answer = byText.answers().get(0);
    // Reported where the text is first seen, though the later place scores more.
    assertThat(answer.startChar()).isEqualTo(tokens.starts()[early]);
    assertThat(answer.sources()).extracting(AnswerSource::window).containsExactly(0, byText.windows() - 1);
    double sum = answer.sources().get(0).score() + answer.sources().get(1).score();
    assertThat(answer.score()).isEqualTo(sum);
    assertThat(answer.sources().get(1).startChar()).isEqualTo(tokens.starts()[late]);

    Answer bySpan = answerOne(text, NO_ALIGN.with(DecodingKey.POOLING, AnswerPooling.SPAN), model).answers().get(0);
    assertThat(bySpan.startChar()).isEqualTo(tokens.starts()[late]);
    assertThat(bySpan.score()).isEqualTo(answer.sources().get(1).score());
  }

  @Test
  void equalTextsDifferingInCaseAreOneAnswer() {
    String text = "Гамма и бета, затем ГАММА.";
    TokenizedText tokens = TOKENIZER.tokenize(text);
    int upperStart = text.indexOf("ГАММА");
    int firstEnd = 0;
    int secondStart = -1;
    int secondEnd = -1;
    for (int t = 0; t < tokens.size(); t++) {
      if (tokens.ends()[t] <= "Гамма".length()) {
        firstEnd = t;
      }
      if (tokens.starts()[t] == upperStart) {
        secondStart = t;
      }
      if (tokens.ends()[t] == upperStart + "ГАММА".length()) {
        secondEnd = t;
      }
    }
    assertThat(secondStart).isPositive();
    ScriptedForwardPass model =
        script(Map.of(0, 5.0, secondStart, 6.0), Map.of(firstEnd, 5.0, secondEnd, 6.0));
    List<Answer> answers = answerOne(text, NO_ALIGN.with(DecodingKey.TOP_K, 2), model).answers();
    // Within a window the better span is seen first, so the answer is at ГАММА, with both scores.
    assertThat(answers.get(0).text()).isEqualTo("ГАММА");
    assertThat(answers.get(0).sources()).extracting(AnswerSource::startChar).containsExactly(upperStart, 0);
    assertThat(answers.get(0).score())
        .isEqualTo(answers.get(0).sources().get(0).score() + answers.get(0).sources().get(1).score());
    // Without align_to_words a window offers top_k spans, here both of them "гамма": one answer, as
    // the pipeline gives.
    assertThat(answers).hasSize(1);
  }

  /** p_start * p_end of a one-token span set to {@code logit} in a window of background tokens. */
  private static double spanScore(Window window, int token, double logit, double nullLogit) {
    int context = window.contextTo() - window.contextFrom();
    double background = Math.exp(ScriptedForwardPass.BACKGROUND);
    double denominator = Math.exp(nullLogit) + (context - 1) * background + Math.exp(logit);
    double p = Math.exp(logit) / denominator;
    return p * p;
  }

  @Test
  void nullScoreIsTheMinimumOverWindows() {
    String text = EngineFixtures.longText(4_000);
    double[] nullLogits = {6.0, 1.0, 4.0, 3.0, 5.0, 2.0, 7.0, 8.0};
    ScriptedForwardPass model = script(Map.of(), Map.of(), w -> nullLogits[w % nullLogits.length]);
    QaResult result = answerOne(text, DecodingSettings.DEFAULTS, model);
    assertThat(result.windows()).isBetween(3, nullLogits.length);
    Query query = new Query("q", "срок поставки", DecodingSettings.DEFAULTS);
    QuestionWork work =
        new QuestionWork(new Document("d", text), TOKENIZER.tokenize(text), query,
            TOKENIZER.tokenize("срок поставки"), TOKENIZER.template());
    double expected = Double.MAX_VALUE;
    for (int w = 0; work.hasMoreWindows(); w++) {
      Window window = work.nextWindow();
      int context = window.contextTo() - window.contextFrom();
      double p = Math.exp(nullLogits[w]) / (Math.exp(nullLogits[w]) + context * Math.exp(ScriptedForwardPass.BACKGROUND));
      expected = Math.min(expected, p * p);
    }
    assertThat(result.nullScore()).isCloseTo(expected, within(1e-12));
  }

  @Test
  void handleImpossibleAnswerLetsNoAnswerWin() {
    String text = "Цена контракта составляет сто рублей.";
    ScriptedForwardPass model = script(Map.of(2, 2.0), Map.of(3, 2.0), w -> 10.0);
    QaResult without = answerOne(text, DecodingSettings.DEFAULTS, model);
    assertThat(without.answers()).hasSize(1);
    assertThat(without.answers().get(0).hasSpan()).isTrue();

    DecodingSettings impossible = NO_ALIGN.with(DecodingKey.HANDLE_IMPOSSIBLE_ANSWER, true);
    QaResult with = answerOne(text, impossible, model);
    Answer none = with.answers().get(0);
    assertThat(none.hasSpan()).isFalse();
    assertThat(none.text()).isNull();
    assertThat(none.reason()).isEqualTo(NoAnswerReason.NO_ANSWER_PREFERRED);
    assertThat(none.score()).isEqualTo(with.nullScore());
    assertThat(with.nullScore()).isGreaterThan(0.9);

    // With top_k 3 the spans follow the no-answer, best first.
    QaResult three = answerOne(text, impossible.with(DecodingKey.TOP_K, 3), model);
    assertThat(three.answers()).extracting(Answer::rank).containsExactly(1, 2, 3);
    assertThat(three.answers().get(0).hasSpan()).isFalse();
    assertThat(three.answers().get(1).text()).isEqualTo(chars(text, 2, 3));
  }

  @Test
  void noAnswerLosesToABetterSpan() {
    String text = "Цена контракта составляет сто рублей.";
    ScriptedForwardPass model = script(Map.of(2, 9.0), Map.of(3, 9.0), w -> -3.0);
    DecodingSettings settings =
        NO_ALIGN.with(DecodingKey.HANDLE_IMPOSSIBLE_ANSWER, true).with(DecodingKey.TOP_K, 2);
    QaResult result = answerOne(text, settings, model);
    assertThat(result.answers().get(0).text()).isEqualTo(chars(text, 2, 3));
    // "No answer" scores about e^-12 here, below every span of the window.
    assertThat(result.answers()).allMatch(Answer::hasSpan);
  }

  @Test
  void nullThresholdTurnsAnswersAboveItIntoNoAnswer() {
    String text = "Цена контракта составляет сто рублей.";
    // No-answer logit 1 against spans of logit 9: the null score is small but above a tiny threshold.
    ScriptedForwardPass model = script(Map.of(2, 9.0), Map.of(3, 9.0), w -> 1.0);
    DecodingSettings top2 = NO_ALIGN.with(DecodingKey.TOP_K, 2);
    QaResult plain = answerOne(text, top2, model);
    assertThat(plain.answers()).allMatch(Answer::hasSpan);
    double nullScore = plain.nullScore();

    QaResult above = answerOne(text, top2.with(DecodingKey.NULL_THRESHOLD, nullScore / 2), model);
    assertThat(above.answers()).hasSize(2);
    Answer none = above.answers().get(0);
    assertThat(none.reason()).isEqualTo(NoAnswerReason.ABOVE_NULL_THRESHOLD);
    assertThat(none.score()).isEqualTo(nullScore);
    assertThat(above.answers().get(1).text()).isEqualTo(chars(text, 2, 3));

    // At or below the threshold nothing changes: the rule is na_prob > threshold.
    QaResult at = answerOne(text, top2.with(DecodingKey.NULL_THRESHOLD, nullScore), model);
    assertThat(at.answers()).isEqualTo(plain.answers());
  }

  @Test
  void topKAreOrderedByScore() {
    String text = "один два три четыре пять шесть семь восемь девять десять";
    ScriptedForwardPass model = script(Map.of(0, 3.0, 4, 5.0, 7, 7.0), Map.of(1, 3.0, 5, 5.0, 8, 7.0));
    QaResult result = answerOne(text, NO_ALIGN.with(DecodingKey.TOP_K, 5), model);
    List<Answer> answers = result.answers();
    assertThat(answers).hasSize(5).extracting(Answer::rank).containsExactly(1, 2, 3, 4, 5);
    for (int i = 0; i + 1 < answers.size(); i++) {
      assertThat(answers.get(i).score()).isGreaterThanOrEqualTo(answers.get(i + 1).score());
    }
    assertThat(answers.get(0).text()).isEqualTo(chars(text, 7, 8));
  }

  @Test
  void alignToWordsWidensASpanToWholeWords() {
    String text = "Способ неожиданнейшего исполнения контракта.";
    TokenizedText tokens = TOKENIZER.tokenize(text);
    int word = -1;
    for (int i = 1; i + 1 < tokens.size(); i++) {
      if (tokens.wordIds()[i - 1] == tokens.wordIds()[i] && tokens.wordIds()[i] == tokens.wordIds()[i + 1]) {
        word = i; // a token in the middle of a word of three or more tokens
        break;
      }
    }
    assertThat(word).as("a word split into three tokens").isPositive();
    ScriptedForwardPass model = script(Map.of(word, 9.0), Map.of(word, 9.0));
    Answer raw = answerOne(text, NO_ALIGN, model).answers().get(0);
    Answer aligned = answerOne(text, DecodingSettings.DEFAULTS, model).answers().get(0);
    assertThat(raw.text()).isEqualTo(chars(text, word, word));
    int first = word;
    while (tokens.wordIds()[first - 1] == tokens.wordIds()[word]) {
      first--;
    }
    int last = word;
    while (tokens.wordIds()[last + 1] == tokens.wordIds()[word]) {
      last++;
    }
    assertThat(aligned.text()).isEqualTo(chars(text, first, last)).contains(raw.text());
    assertThat(aligned.text().length()).isGreaterThan(raw.text().length());
  }

  @Test
  void aWindowTheModelCannotRunFailsOnlyItsOwnQuestion() {
    ScriptedForwardPass scripted = script(Map.of(), Map.of());
    // Fails every batch that holds a window of the "poison" document, as a real model would on an
    // input it cannot take (or out of memory on a batch too large).
    ForwardPass model = new ForwardPass() {
      @Override
      public BatchLogits forward(WindowBatch batch) {
        if (batch.windows().stream().anyMatch(w -> w.work().document().id().equals("poison"))) {
          throw new IllegalStateException("the model cannot run this window");
        }
        return scripted.forward(batch);
      }

      @Override
      public void close() {}
    };
    List<Document> docs = List.of(new Document("a", "Цена контракта."), new Document("poison", "Срок поставки."),
        new Document("b", "Обеспечение исполнения."));
    QaEngine engine = new QaEngine(TOKENIZER, 384, EngineOptions.DEFAULTS);
    AnswerStream stream = engine.answer(docs.iterator(),
        engine.prepare(List.of(new Query("q", "срок", DecodingSettings.DEFAULTS))), model, WindowObserver.NONE);
    List<QaResult> results = new java.util.ArrayList<>();
    stream.forEachRemaining(results::add);
    assertThat(results).hasSize(3);
    QaResult failed = results.stream().filter(r -> r.docId().equals("poison")).findFirst().orElseThrow();
    assertThat(failed.isFailed()).isTrue();
    assertThat(failed.answers()).isEmpty();
    assertThat(failed.failure().kind()).isEqualTo(Failure.Kind.MODEL_FAILED);
    assertThat(failed.failure().errorClass()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.failure().detail()).startsWith("model failed on window 0 of ")
        .endsWith(": the model cannot run this window");
    assertThat(results.stream().filter(r -> !r.docId().equals("poison"))).allMatch(r -> r.answers().get(0).hasSpan());
    // One batch of three failed, then halves: [a] ran, [poison, b] failed, then [poison] failed and [b] ran.
    assertThat(stream.stats().failedBatches()).isEqualTo(3);
  }

  @Test
  void emptyOrBlankTextGivesANullAnswerRow() {
    ScriptedForwardPass model = script(Map.of(), Map.of());
    List<QaResult> results =
        EngineFixtures.answer(
            List.of(new Query("q", "срок", DecodingSettings.DEFAULTS.with(DecodingKey.TOP_K, 3))),
            List.of(new Document("empty", ""), new Document("blank", " \n\t "), new Document("ok", "срок")),
            model);
    assertThat(results).hasSize(3);
    for (QaResult r : results.subList(0, 2)) {
      assertThat(r.answers()).hasSize(1);
      Answer a = r.answers().get(0);
      assertThat(a.rank()).isEqualTo(1);
      assertThat(a.hasSpan()).isFalse();
      assertThat(a.reason()).isEqualTo(NoAnswerReason.EMPTY_TEXT);
      assertThat(r.nullScore()).isEqualTo(1.0);
    }
    assertThat(results.get(2).answers().get(0).hasSpan()).isTrue();
  }

  @Test
  void windowsWithoutCandidatesGiveANoValidSpanRow() {
    Document doc = new Document("d", "срок");
    Query query = new Query("q", "срок", DecodingSettings.DEFAULTS);
    QuestionWork work =
        new QuestionWork(doc, TOKENIZER.tokenize(doc.text()), query, TOKENIZER.tokenize("срок"), TOKENIZER.template());
    Window window = work.nextWindow();
    work.accept(window, new WindowDecoding(0.25, new int[0], new int[0], new double[0]));
    QaResult result = work.finish();
    assertThat(result.answers()).containsExactly(new Answer(1, null, null, null, null, NoAnswerReason.NO_VALID_SPAN, List.of()));
    assertThat(result.nullScore()).isEqualTo(0.25);
  }
}
