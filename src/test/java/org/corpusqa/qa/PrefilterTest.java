package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lexical prefilter: which windows of a long document the model reads, and what the results say. */
class PrefilterTest {
  private static final QaTokenizer TOKENIZER = EngineFixtures.tokenizer();
  private static final DecodingSettings SETTINGS = DecodingSettings.DEFAULTS.withAll(
      java.util.Map.of(DecodingKey.MAX_SEQ_LEN, 128, DecodingKey.DOC_STRIDE, 32));

  /** Filler with the clause at about {@code at} characters in, and a passing mention of the contract before it. */
  private static String contractWithClauseAt(int chars, int at) {
    String filler = EngineFixtures.longText(chars);
    String clause = " Обеспечение исполнения контракта составляет 5 процентов от цены контракта. ";
    String mention = " Цена контракта указана в приложении. ";
    return filler.substring(0, 3_000) + mention + filler.substring(3_000, at) + clause + filler.substring(at);
  }

  private static QuestionWork work(String text, Query query) {
    PreparedQuery prepared = new PreparedQuery(query, TOKENIZER.tokenize(query.question()));
    return new QuestionWork(new Document("d", text), TOKENIZER.tokenize(text), prepared, TOKENIZER.template(), null, List.of());
  }

  private static List<Window> read(QuestionWork work) {
    List<Window> windows = new ArrayList<>();
    while (work.hasMoreWindows()) {
      windows.add(work.nextWindow());
    }
    return windows;
  }

  @Test
  void onlyTheBestWindowsAreReadAndTheyHoldTheClause() {
    String text = contractWithClauseAt(20_000, 12_000);
    int clauseStart = text.indexOf("Обеспечение исполнения");
    QuestionWork work = work(text, new Query("q", "обеспечение исполнения контракта", SETTINGS, new Prefilter(2, 1)));
    List<Window> windows = read(work);
    assertThat(work.windowCount()).isGreaterThan(30);
    assertThat(windows).hasSize(2);
    assertThat(windows).extracting(Window::index).isSorted();
    // The clause's window scores above the mention's.
    assertThat(work.lexicalScore(windows.get(1).index())).isGreaterThan(work.lexicalScore(windows.get(0).index()));
    assertThat(windows).anySatisfy(w -> {
      int from = work.context().starts()[w.contextFrom()];
      int to = work.context().ends()[w.contextTo() - 1];
      assertThat(from).isLessThanOrEqualTo(clauseStart);
      assertThat(to).isGreaterThan(clauseStart + "Обеспечение исполнения контракта".length());
    });
    for (int w = 0; w < work.windowCount(); w++) {
      int index = w;
      boolean readIt = windows.stream().anyMatch(x -> x.index() == index);
      assertThat(work.isSkipped(w)).isEqualTo(!readIt);
    }
  }

  @Test
  void aDocumentWithoutTheQuestionsWordsKeepsItsFirstWindows() {
    String text = EngineFixtures.longText(20_000);
    QuestionWork work = work(text, new Query("q", "гарантийных обязательств", SETTINGS, new Prefilter(4, 2)));
    assertThat(read(work)).extracting(Window::index).containsExactly(0, 1);
  }

  @Test
  void withMinWindowsZeroADocumentWithoutAMatchIsNotReadAtAll() {
    Query query = new Query("q", "гарантийных обязательств", SETTINGS, new Prefilter(4, 0));
    List<QaResult> results = EngineFixtures.answer(List.of(query),
        List.of(new Document("d", EngineFixtures.longText(20_000))), EngineFixtures.TINY_BERT.newForwardPass());
    QaResult result = results.get(0);
    assertThat(result.windows()).isZero();
    assertThat(result.windowsTotal()).isGreaterThan(30);
    assertThat(result.nullScore()).isEqualTo(1.0);
    assertThat(result.answers()).singleElement().satisfies(a -> {
      assertThat(a.text()).isNull();
      assertThat(a.reason()).isEqualTo(NoAnswerReason.NO_LEXICAL_MATCH);
    });
  }

  @Test
  void tiesKeepDocumentOrderAndFewerMatchesThanTopAreAllRead() {
    assertThat(QuestionWork.select(new double[] {0, 1, 0, 1, 1, 0}, new Prefilter(2, 1))).containsExactly(1, 3);
    assertThat(QuestionWork.select(new double[] {0, 0, 2, 0}, new Prefilter(3, 1))).containsExactly(2);
    assertThat(QuestionWork.select(new double[] {0, 0, 2, 0}, new Prefilter(3, 2))).containsExactly(0, 2);
    assertThat(QuestionWork.select(new double[] {0, 0, 0}, new Prefilter(3, 0))).isEmpty();
  }

  @Test
  void resultsCountTheWindowsReadAndTotal() {
    String text = contractWithClauseAt(20_000, 12_000);
    Query off = new Query("off", "обеспечение исполнения контракта", SETTINGS);
    Query on = new Query("on", "обеспечение исполнения контракта", SETTINGS, new Prefilter(4, 4));
    List<QaResult> results = EngineFixtures.answer(List.of(off, on), List.of(new Document("d", text)),
        EngineFixtures.TINY_BERT.newForwardPass());
    QaResult all = results.stream().filter(r -> r.query().id().equals("off")).findFirst().orElseThrow();
    QaResult some = results.stream().filter(r -> r.query().id().equals("on")).findFirst().orElseThrow();
    assertThat(all.windows()).isEqualTo(all.windowsTotal()).isGreaterThan(30);
    assertThat(some.windowsTotal()).isEqualTo(all.windowsTotal());
    // Two windows match; min_windows tops them up from the document's start.
    assertThat(some.windows()).isEqualTo(4);
  }

  @Test
  void russianAndEnglishWordsAreStemmedAndStopWordsDropped() {
    assertThat(LexicalIndex.terms("обеспечение исполнения контракта")).containsExactly("обесп", "испол", "контр");
    assertThat(LexicalIndex.terms("Исполнение контракта обеспечивается")).containsExactly("испол", "контр", "обесп");
    assertThat(LexicalIndex.terms("the performance security of the contract")).containsExactly("perfo", "secur", "contr");
    LexicalIndex index = LexicalIndex.of("Контракт. Обеспечением исполнения контрактов. Цена.");
    double[] scores = index.scores(LexicalIndex.terms("обеспечение исполнения контракта"), new int[] {0, 10, 46},
        new int[] {10, 46, 51});
    assertThat(scores[1]).isGreaterThan(scores[0]);
    assertThat(scores[2]).isZero();
  }

  @Test
  void thePrefilterIsPartOfTheQuerysIdentityOnlyWhenOn() {
    Query plain = new Query("q", "цена", DecodingSettings.DEFAULTS);
    assertThat(new Query("q", "цена", DecodingSettings.DEFAULTS, Prefilter.OFF).sha256()).isEqualTo(plain.sha256());
    assertThat(new Query("q", "цена", DecodingSettings.DEFAULTS, new Prefilter(4, 1)).sha256())
        .isNotEqualTo(plain.sha256());
  }
}
