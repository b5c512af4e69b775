package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.EngineException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CUDA out-of-memory handling, tested on the CPU: a forward pass that fails like PyTorch on a GPU
 * whenever a batch holds more padded tokens than the "device" can take.
 */
class OutOfMemoryTest {
  private static final int DEVICE_TOKENS = 700;

  @Test
  void outOfMemoryHalvesTheBatchAndTheBudgetAndLosesNothing() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      docs.add(new Document("d" + i, EngineFixtures.longText(200 + 37 * i)));
    }
    List<Query> queries = List.of(new Query("q", "обеспечение исполнения контракта", DecodingSettings.DEFAULTS));
    // A GPU-sized budget, more than the simulated device holds.
    QaEngine engine = new QaEngine(EngineFixtures.tokenizer(), 384, new EngineOptions(4096, 64, 256));

    List<QaResult> clean = new ArrayList<>();
    try (ForwardPass model = EngineFixtures.TINY_BERT.newForwardPass()) {
      engine.answer(docs.iterator(), engine.prepare(queries), model, WindowObserver.NONE).forEachRemaining(clean::add);
    }

    int[] outOfMemory = {0};
    List<QaResult> constrained = new ArrayList<>();
    AnswerStream stream;
    try (ForwardPass real = EngineFixtures.TINY_BERT.newForwardPass()) {
      ForwardPass small = new ForwardPass() {
        @Override
        public BatchLogits forward(WindowBatch batch) {
          if ((long) batch.rows() * batch.paddedLength() > DEVICE_TOKENS) {
            outOfMemory[0]++;
            throw new EngineException("CUDA out of memory. Tried to allocate 96.00 MiB (GPU 0; 15.77 GiB total"
                + " capacity; 14.90 GiB already allocated)");
          }
          return real.forward(batch);
        }

        @Override
        public void close() {}
      };
      stream = engine.answer(docs.iterator(), engine.prepare(queries), small, WindowObserver.NONE);
      stream.forEachRemaining(constrained::add);
    }

    assertThat(constrained).hasSameSizeAs(clean).noneMatch(QaResult::isFailed);
    for (int i = 0; i < clean.size(); i++) {
      assertThat(constrained.get(i).docId()).isEqualTo(clean.get(i).docId());
      // Same spans; scores equal up to float rounding, since the batches are padded differently.
      Answer want = clean.get(i).answers().get(0);
      Answer got = constrained.get(i).answers().get(0);
      assertThat(got.startChar()).isEqualTo(want.startChar());
      assertThat(got.endChar()).isEqualTo(want.endChar());
      assertThat(got.score()).isCloseTo(want.score(), org.assertj.core.data.Offset.offset(1e-6));
    }
    assertThat(stream.stats().outOfMemoryBatches()).isEqualTo(outOfMemory[0]).isPositive();
    assertThat(stream.tokenBudget()).isLessThanOrEqualTo(DEVICE_TOKENS);
    // The budget is lowered for the rest of the stream: a few failures while it comes down from
    // 4096, not one per batch.
    assertThat(stream.stats().batches()).isGreaterThan(20);
    assertThat(outOfMemory[0]).isLessThanOrEqualTo(6);
  }

  @Test
  void recognisesDeviceOutOfMemoryThroughWrappers() {
    RuntimeException wrapped = new IllegalStateException("Model forward pass failed",
        new ai.djl.translate.TranslateException(new EngineException("CUDA out of memory. Tried to allocate 2 GiB")));
    assertThat(OutOfMemory.isDeviceOutOfMemory(wrapped)).isTrue();
    assertThat(OutOfMemory.isDeviceOutOfMemory(new EngineException("Failed to allocate memory for requested buffer")))
        .isTrue();
    assertThat(OutOfMemory.isDeviceOutOfMemory(new IllegalStateException("index out of range in self"))).isFalse();
  }
}
