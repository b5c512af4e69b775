package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.corpusqa.model.QaModel;
import org.junit.jupiter.api.Test;

class WindowsTest {
  private static final QaTokenizer TOKENIZER = EngineFixtures.tokenizer();

  private static List<Window> windowsOf(String text, String question, DecodingSettings settings) {
    Query query = new Query("q", question, settings);
    TokenizedText q = TOKENIZER.tokenize(question);
    if (settings.maxQuestionLen() != null) {
      q = q.head(settings.maxQuestionLen());
    }
    QuestionWork work =
        new QuestionWork(new Document("d", text), TOKENIZER.tokenize(text), query, q, TOKENIZER.template());
    List<Window> windows = new ArrayList<>();
    while (work.hasMoreWindows()) {
      windows.add(work.nextWindow());
    }
    assertThat(windows).hasSize(work.windowCount());
    return windows;
  }

  @Test
  void templateIsBertsPairLayout() {
    PairTemplate t = TOKENIZER.template();
    assertThat(t.prefixIds()).hasSize(1); // [CLS]
    assertThat(t.middleIds()).hasSize(1); // [SEP]
    assertThat(t.suffixIds()).hasSize(1); // [SEP]
    assertThat(t.questionType()).isZero();
    assertThat(t.contextType()).isEqualTo(1);
  }

  @Test
  void shortDocumentGivesOneWindow() {
    List<Window> windows = windowsOf("Цена контракта составляет 100 рублей.", "цена", DecodingSettings.DEFAULTS);
    assertThat(windows).hasSize(1);
    Window w = windows.get(0);
    assertThat(w.contextFrom()).isZero();
    assertThat(w.contextTo()).isEqualTo(TOKENIZER.tokenize("Цена контракта составляет 100 рублей.").size());
  }

  @Test
  void windowsCoverEveryContextTokenAndOverlapByDocStride() {
    String text = EngineFixtures.longText(20_000);
    TokenizedText context = TOKENIZER.tokenize(text);
    DecodingSettings settings = DecodingSettings.DEFAULTS.with(DecodingKey.DOC_STRIDE, 100);
    List<Window> windows = windowsOf(text, "обеспечение исполнения контракта", settings);
    assertThat(windows.size()).isGreaterThan(10);
    assertThat(windows.get(0).contextFrom()).isZero();
    assertThat(windows.get(windows.size() - 1).contextTo()).isEqualTo(context.size());
    for (int i = 0; i + 1 < windows.size(); i++) {
      Window a = windows.get(i);
      Window b = windows.get(i + 1);
      assertThat(a.contextTo() - b.contextFrom()).as("overlap of windows %d and %d", i, i + 1).isEqualTo(100);
      assertThat(a.length()).isEqualTo(384); // every window but the last is full
    }
    for (Window w : windows) {
      assertThat(w.length()).isLessThanOrEqualTo(384);
    }
    // Every character of the text that is not whitespace lies in a token that some window holds.
    boolean[] covered = new boolean[text.length()];
    for (Window w : windows) {
      for (int t = w.contextFrom(); t < w.contextTo(); t++) {
        for (int c = context.starts()[t]; c < context.ends()[t]; c++) {
          covered[c] = true;
        }
      }
    }
    for (int c = 0; c < text.length(); c++) {
      if (!Character.isWhitespace(text.charAt(c))) {
        assertThat(covered[c]).as("character %d covered", c).isTrue();
      }
    }
  }

  @Test
  void windowTokensAreTemplateQuestionAndContext() {
    String text = "Обеспечение исполнения контракта составляет 5 процентов.";
    Window w = windowsOf(text, "обеспечение", DecodingSettings.DEFAULTS).get(0);
    long[] ids = new long[w.length()];
    long[] types = new long[w.length()];
    w.write(ids, types, 0);
    TokenizedText question = TOKENIZER.tokenize("обеспечение");
    TokenizedText context = TOKENIZER.tokenize(text);
    PairTemplate t = TOKENIZER.template();
    assertThat(ids[0]).isEqualTo(t.prefixIds()[0]);
    assertThat(ids[1]).isEqualTo(question.ids()[0]);
    assertThat(ids[w.contextStart()]).isEqualTo(context.ids()[0]);
    assertThat(ids[w.length() - 1]).isEqualTo(t.suffixIds()[0]);
    assertThat(types[w.contextStart()]).isEqualTo(1);
    assertThat(types[1]).isZero();
    int[] seq = w.sequenceIds();
    assertThat(seq[0]).isEqualTo(-1);
    assertThat(seq[1]).isZero();
    assertThat(seq[w.contextStart()]).isEqualTo(1);
    assertThat(seq[w.length() - 1]).isEqualTo(-1);
  }

  @Test
  void questionIsCutAtMaxQuestionLen() {
    String longQuestion = "обеспечение исполнения контракта ".repeat(20);
    assertThat(TOKENIZER.tokenize(longQuestion).size()).isGreaterThan(10);
    DecodingSettings settings = DecodingSettings.DEFAULTS.with(DecodingKey.MAX_QUESTION_LEN, 10);
    Window w = windowsOf("Цена контракта.", longQuestion, settings).get(0);
    // [CLS] + 10 question tokens + [SEP]
    assertThat(w.contextStart()).isEqualTo(12);
    assertThat(w.work().question().size()).isEqualTo(10);
  }

  @Test
  void questionIsNeverCutByDefaultAsInThePipelineWithAFastTokenizer() {
    String longQuestion = "обеспечение исполнения контракта ".repeat(30);
    int tokens = TOKENIZER.tokenize(longQuestion).size();
    assertThat(tokens).isGreaterThan(64);
    QaEngine engine = new QaEngine(TOKENIZER, 384, EngineOptions.DEFAULTS);
    PreparedQuery prepared = engine.prepare(new Query("long", longQuestion, DecodingSettings.DEFAULTS));
    assertThat(prepared.question().size()).isEqualTo(tokens);
    Window w = windowsOf("Цена контракта.", longQuestion, DecodingSettings.DEFAULTS).get(0);
    assertThat(w.contextStart()).isEqualTo(tokens + 2);
  }

  @Test
  void aQuestionThatLeavesNoRoomForContextIsAConfigurationErrorNamingIt() {
    String longQuestion = "обеспечение исполнения контракта ".repeat(90);
    int tokens = TOKENIZER.tokenize(longQuestion).size();
    QaEngine engine = new QaEngine(TOKENIZER, 384, EngineOptions.DEFAULTS);
    assertThatThrownBy(() -> engine.prepare(new Query("long", longQuestion, DecodingSettings.DEFAULTS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use query 'long': its question is " + tokens + " tokens, which leaves "
            + Math.max(0, 384 - 3 - tokens) + " tokens of context in a window of max_seq_len 384 (3 special"
            + " tokens), and a window needs more than doc_stride 128; shorten the question, raise max_seq_len"
            + " (the model takes up to 384), lower doc_stride, or set max_question_len to cut the question");
    // Cut on request, it fits.
    assertThat(engine.prepare(new Query("long", longQuestion,
        DecodingSettings.DEFAULTS.with(DecodingKey.MAX_QUESTION_LEN, 64))).question().size()).isEqualTo(64);
  }

  @Test
  void longDocumentIsAnsweredWithoutHoldingAllItsWindows() {
    String text = EngineFixtures.longText(200_000);
    QaModel model = EngineFixtures.TINY_BERT;
    EngineOptions options = new EngineOptions(4096, 64, 32);
    QaEngine engine = new QaEngine(model.tokenizer(), 384, options);
    List<PreparedQuery> queries = engine.prepare(List.of(new Query("q", "срок поставки", DecodingSettings.DEFAULTS)));
    try (ForwardPass forward = model.newForwardPass()) {
      AnswerStream stream =
          engine.answer(List.of(new Document("big", text)).iterator(), queries, forward, WindowObserver.NONE);
      QaResult result = stream.next();
      assertThat(stream.hasNext()).isFalse();
      assertThat(result.windows()).isGreaterThan(150);
      assertThat(stream.stats().windows()).isEqualTo(result.windows());
      assertThat(stream.stats().peakPendingWindows()).isLessThanOrEqualTo(32);
      Answer best = result.answers().get(0);
      assertThat(best.text()).isEqualTo(text.substring(best.startChar(), best.endChar()));
    }
  }

  @Test
  void batchesSpanDocumentsAndQuestions() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      docs.add(new Document("d" + i, "Цена контракта составляет " + i + " рублей."));
    }
    List<Query> queries =
        List.of(new Query("a", "цена", DecodingSettings.DEFAULTS), new Query("b", "срок", DecodingSettings.DEFAULTS));
    ScriptedForwardPass model = new ScriptedForwardPass(new ScriptedForwardPass.Script() {
      @Override public double start(String docId, int token) { return Double.NaN; }
      @Override public double end(String docId, int token) { return Double.NaN; }
    });
    List<QaResult> results = EngineFixtures.answer(queries, docs, model);
    assertThat(results).hasSize(40);
    // 40 short windows of under 20 tokens fit one batch under the 1024-token budget.
    assertThat(model.batches).isEqualTo(1);
  }
}
