package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.EngineException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The model on a thread of its own ({@link EngineOptions.Overlap#ON}): the same batches, so the same
 * answers to the last bit, the forward pass used by one thread only, and failures handled as without
 * overlap.
 */
class OverlapTest {
  private static final List<Query> QUERIES = List.of(
      new Query("performance", "обеспечение исполнения контракта", DecodingSettings.DEFAULTS),
      new Query("warranty", "обеспечение гарантийных обязательств", DecodingSettings.DEFAULTS));

  private static List<Document> documents() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(new Document("d" + i, EngineFixtures.longText(150 + 97 * i)));
    }
    return docs;
  }

  private static List<QaResult> answer(ForwardPass model, EngineOptions options, List<Document> docs) {
    QaEngine engine = new QaEngine(EngineFixtures.tokenizer(), 384, options);
    List<QaResult> results = new ArrayList<>();
    try (AnswerStream stream = engine.answer(docs.iterator(), engine.prepare(QUERIES), model, WindowObserver.NONE)) {
      stream.forEachRemaining(results::add);
    }
    results.sort(Comparator.comparing(QaResult::docId).thenComparing(r -> r.query().id()));
    return results;
  }

  @Test
  void overlappedStreamAnswersExactlyAsTheInlineOneOnTheSameBatches() {
    List<Document> docs = documents();
    EngineOptions inline = new EngineOptions(1024, 64, 64);
    Set<String> forwardThreads = ConcurrentHashMap.newKeySet();
    List<QaResult> sequential;
    List<QaResult> overlapped;
    try (ForwardPass real = EngineFixtures.TINY_BERT.newForwardPass()) {
      sequential = answer(real, inline, docs);
      ForwardPass watched = new ForwardPass() {
        @Override
        public BatchLogits forward(WindowBatch batch) {
          forwardThreads.add(Thread.currentThread().getName());
          return real.forward(batch);
        }

        @Override
        public void close() {}
      };
      overlapped = answer(watched, inline.withOverlap(EngineOptions.Overlap.ON), docs);
    }
    assertThat(forwardThreads).hasSize(1).allMatch(name -> name.startsWith("corpusqa-forward-"));
    assertThat(overlapped).hasSameSizeAs(sequential).hasSize(80);
    for (int i = 0; i < sequential.size(); i++) {
      assertThat(overlapped.get(i).docId()).isEqualTo(sequential.get(i).docId());
      assertThat(overlapped.get(i).windows()).isEqualTo(sequential.get(i).windows());
      assertThat(overlapped.get(i).nullScore()).isEqualTo(sequential.get(i).nullScore());
      assertThat(overlapped.get(i).answers()).isEqualTo(sequential.get(i).answers());
    }
  }

  @Test
  void tokenizerThreadsKeepTheDocumentsOrderAndTheAnswers() {
    List<Document> docs = documents();
    EngineOptions inline = new EngineOptions(1024, 64, 64);
    List<QaResult> sequential;
    List<QaResult> parallel;
    List<String> order = new ArrayList<>();
    AnswerStream stream;
    try (ForwardPass real = EngineFixtures.TINY_BERT.newForwardPass()) {
      sequential = answer(real, inline, docs);
      QaEngine engine = new QaEngine(EngineFixtures.tokenizer(), 384,
          inline.withOverlap(EngineOptions.Overlap.ON).withTokenizerThreads(3));
      // Unsorted, as the stream hands them out: the inline stream's order, since batches are the same.
      stream = engine.answer(docs.iterator(), engine.prepare(QUERIES), real, WindowObserver.NONE);
      parallel = new ArrayList<>();
      stream.forEachRemaining(parallel::add);
      QaEngine inlineEngine = new QaEngine(EngineFixtures.tokenizer(), 384, inline);
      inlineEngine.answer(docs.iterator(), inlineEngine.prepare(QUERIES), real, WindowObserver.NONE)
          .forEachRemaining(r -> order.add(r.docId() + "/" + r.query().id()));
    }
    assertThat(parallel.stream().map(r -> r.docId() + "/" + r.query().id()).toList()).isEqualTo(order);
    parallel.sort(Comparator.comparing(QaResult::docId).thenComparing(r -> r.query().id()));
    assertThat(parallel).hasSameSizeAs(sequential);
    for (int i = 0; i < sequential.size(); i++) {
      assertThat(parallel.get(i).answers()).isEqualTo(sequential.get(i).answers());
      assertThat(parallel.get(i).nullScore()).isEqualTo(sequential.get(i).nullScore());
    }
    assertThat(stream.stats().documents()).isEqualTo(docs.size());
    assertThat(stream.stats().tokenizeNanos()).isPositive();
  }

  @Test
  void overlappedStreamHalvesOnOutOfMemoryAndFailsOnlyTheWindowTheModelCannotRun() {
    List<Document> docs = new ArrayList<>(documents());
    docs.add(20, new Document("poison", "Срок поставки товара."));
    int deviceTokens = 700;
    int[] outOfMemory = {0};
    List<QaResult> results;
    AnswerStream stream;
    try (ForwardPass real = EngineFixtures.TINY_BERT.newForwardPass()) {
      ForwardPass small = new ForwardPass() {
        @Override
        public BatchLogits forward(WindowBatch batch) {
          if ((long) batch.rows() * batch.paddedLength() > deviceTokens) {
            outOfMemory[0]++;
            throw new EngineException("CUDA out of memory. Tried to allocate 96.00 MiB");
          }
          if (batch.windows().stream().anyMatch(w -> w.work().document().id().equals("poison"))) {
            throw new IllegalStateException("the model cannot run this window");
          }
          return real.forward(batch);
        }

        @Override
        public void close() {}
      };
      QaEngine engine = new QaEngine(EngineFixtures.tokenizer(), 384,
          new EngineOptions(4096, 64, 64, EngineOptions.Overlap.ON, 0));
      stream = engine.answer(docs.iterator(), engine.prepare(QUERIES), small, WindowObserver.NONE);
      results = new ArrayList<>();
      stream.forEachRemaining(results::add);
    }
    assertThat(results).hasSize(82);
    assertThat(results.stream().filter(QaResult::isFailed))
        .hasSize(2)
        .allMatch(r -> r.docId().equals("poison") && r.failure().kind() == Failure.Kind.MODEL_FAILED);
    assertThat(stream.stats().outOfMemoryBatches()).isEqualTo(outOfMemory[0]).isPositive();
    assertThat(stream.tokenBudget()).isLessThanOrEqualTo(deviceTokens);
    assertThat(stream.stats().forwardNanos()).isPositive();
  }

  @Test
  void automaticChoicesFollowTheDevice() {
    EngineOptions auto = EngineOptions.DEFAULTS;
    assertThat(auto.forDevice(true).maxBatchTokens()).isEqualTo(32 * 384);
    assertThat(auto.forDevice(true).overlap()).isEqualTo(EngineOptions.Overlap.ON);
    assertThat(auto.forDevice(false).maxBatchTokens()).isEqualTo(EngineOptions.DEFAULT_MAX_BATCH_TOKENS);
    assertThat(auto.forDevice(false).overlap()).isEqualTo(EngineOptions.Overlap.OFF);
    assertThat(auto.forDevice(true, 4).tokenizerThreads()).isEqualTo(3);
    assertThat(auto.forDevice(false, 4).tokenizerThreads()).isZero();
    EngineOptions chosen = new EngineOptions(2048, 64, 256, EngineOptions.Overlap.OFF, 2);
    assertThat(chosen.forDevice(true)).isEqualTo(chosen);
  }
}
