package org.corpusqa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The engine, decoding as DJL's stock translator does, gives the very span the stock translator
 * gives whenever the translator's two argmaxes are in order inside the context: the "identical
 * answers" the throughput target asks for, checked on the real stock translator and a real model.
 */
class NaiveBaselineTest {
  private static final List<Query> QUERIES = List.of(
      new Query("performance_security", "обеспечение исполнения контракта", DecodingSettings.DEFAULTS),
      new Query("warranty_security", "обеспечение гарантийных обязательств", DecodingSettings.DEFAULTS));

  @Test
  void engineGivesTheStockTranslatorsSpanWheneverItsArgmaxesAreInOrder() {
    for (var bundle : List.of(TestModels.TINY_DISTILBERT, TestModels.TINY_BERT)) {
      QaModel model = TestModels.load(bundle);
      List<Document> docs = new ArrayList<>();
      SplittableRandom random = new SplittableRandom(5);
      for (int i = 0; i < 60; i++) {
        docs.add(SyntheticCorpus.shortDocument(i, random));
      }
      Map<String, Object> report = new NaiveBaseline(model, QUERIES, EngineOptions.DEFAULTS, 2).measure(docs);
      System.out.println(bundle.getFileName() + ": " + report);

      assertThat(report.get("pairs")).isEqualTo(120);
      int inOrder = (Integer) report.get("pairs_argmax_in_order");
      assertThat(inOrder + (Integer) report.get("pairs_argmax_crossed") + (Integer) report.get("pairs_argmax_on_separator"))
          .isEqualTo(120);
      // Random weights cross the two argmaxes about half the time; enough pairs remain to check.
      assertThat(inOrder).isGreaterThan(20);
      assertThat(report.get("answers_identical_share_argmax_in_order")).isEqualTo(1.0);
      assertThat((Double) report.get("windows_per_s")).isPositive();
      assertThat((Double) report.get("engine_windows_per_s")).isPositive();
    }
  }
}
