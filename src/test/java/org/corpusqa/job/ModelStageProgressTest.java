package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelStageProgressTest {
  @Test
  void theLineSaysHowFarTheStageIsAndHowLongTheRestTakesAtThisRate() {
    assertThat(ModelStageProgress.line(120, 400, 3_400, 60.0))
        .isEqualTo("Model stage: 120 of 400 documents begun (30%), 3400 windows done in 60 s (56.7 windows/s),"
            + " about 2 min 20 s left");
    assertThat(ModelStageProgress.line(400, 400, 9_000, 200.0))
        .isEqualTo("Model stage: 400 of 400 documents begun (100%), 9000 windows done in 200 s (45.0 windows/s)");
    assertThat(ModelStageProgress.line(5, -1, 0, 0.0))
        .isEqualTo("Model stage: 5 documents begun, 0 windows done in 0 s (0.0 windows/s)");
  }
}
