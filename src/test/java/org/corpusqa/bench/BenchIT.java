package org.corpusqa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/corpus-qa bench} end to end on the tiny int8 ONNX model against its fp32 TorchScript
 * twin: every section is measured and written, and the figures hang together. Speeds are printed,
 * never asserted: this only checks that the measurements are made and are consistent.
 */
class BenchIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();

  @TempDir Path tmp;

  @Test
  void measuresEverySectionAndWritesJson() throws Exception {
    Path out = tmp.resolve("bench.json");
    Result run = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "--master", "local[2]", "bench",
        "--model", "src/test/resources/models/tiny-distilbert-onnx-int8",
        "--reference-model", "src/test/resources/models/tiny-distilbert",
        "--synthetic", "9", "--seconds", "0.5", "--heap-docs", "200,2000", "--out", out.toString()),
        Map.of(), ROOT, 900);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("model alone: ").contains("engine: ").contains("naive baseline: ")
        .contains("spark job: ").contains("wrote " + out);
    JsonNode report = new ObjectMapper().readTree(out.toFile());
    System.out.println(report.toPrettyString());

    assertThat(report.at("/model/format").asText()).isEqualTo("onnx");
    assertThat(report.at("/model/precision").asText()).isEqualTo("int8");
    for (String length : List.of("128", "256", "384")) {
      JsonNode shape = report.at("/model_alone/" + length);
      assertThat(shape.get("windows_per_s").asDouble()).isPositive();
      assertThat(shape.get("tokens_per_s").asDouble())
          .isCloseTo(shape.get("windows_per_s").asDouble() * Integer.parseInt(length),
              org.assertj.core.data.Percentage.withPercentage(1));
      // ONNX lists no weights: the arithmetic comes from the fp32 reference.
      assertThat(shape.get("gflop_per_s").asDouble()).isPositive();
    }
    JsonNode engine = report.get("engine");
    assertThat(engine.get("documents").asInt()).isEqualTo(9);
    assertThat(engine.get("questions").asInt()).isEqualTo(18);
    assertThat(engine.get("windows").asInt()).isGreaterThan(18);
    assertThat(engine.get("padding_efficiency").asDouble()).isBetween(0.5, 1.0);
    assertThat(engine.get("time_share_tokenize").asDouble() + engine.get("time_share_forward").asDouble()
        + engine.get("time_share_decode").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(engine.get("engine_share_of_model_alone").asDouble()).isPositive();
    assertThat(report.at("/versus_reference/top_answers_identical_share").asDouble()).isBetween(0.0, 1.0);
    JsonNode naive = report.get("naive_baseline");
    assertThat(naive.get("documents").asInt()).isEqualTo(5); // half the synthetic corpus fits one window
    assertThat(naive.get("pairs").asInt()).isEqualTo(10);
    // The naive baseline runs on the fp32 reference; the engine matches its span wherever the
    // stock translator's argmaxes are in order (NaiveBaselineTest checks this on many more pairs).
    assertThat(naive.get("model").asText()).isEqualTo("tiny-distilbert");
    assertThat(naive.get("pairs_argmax_in_order").asInt() + naive.get("pairs_argmax_crossed").asInt()
        + naive.get("pairs_argmax_on_separator").asInt()).isEqualTo(10);
    if (naive.get("pairs_argmax_in_order").asInt() > 0) {
      assertThat(naive.get("answers_identical_share_argmax_in_order").asDouble()).isEqualTo(1.0);
    }
    assertThat(naive.get("bench_model_speedup").asDouble()).isPositive();
    assertThat(report.at("/spark_job/records_answered").asLong()).isEqualTo(9);
    assertThat(report.at("/spark_job/master").asText()).isEqualTo("local[2]");
    assertThat(report.get("heap")).hasSize(2);
    assertThat(report.at("/heap/1/results").asInt()).isEqualTo(4000);
  }

  /**
   * {@code bench --forward none}: only the host side is measured, its stages add up, and its answers
   * (fixed logits, so they depend only on the host code) are those recorded when the pipeline's
   * pooling became the default, on the same corpus, tokenizer and logits (the earlier rules' digest,
   * from before the host side was made faster, is checked below).
   */
  @Test
  void measuresTheHostSideAloneWithAnswersAsBefore() throws Exception {
    Path out = tmp.resolve("host.json");
    Result run = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "--master", "local[2]", "bench",
        "--model", "src/test/resources/models/tiny-distilbert", "--forward", "none", "--workers", "2",
        "--synthetic", "9", "--skip-spark", "--seconds", "1", "--out", out.toString()), Map.of(), ROOT, 900);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("host side (no model): ").doesNotContain("model alone: ");
    JsonNode report = new ObjectMapper().readTree(out.toFile());
    System.out.println(report.toPrettyString());
    assertThat(report.has("model_alone")).isFalse();
    assertThat(report.has("engine")).isFalse();
    JsonNode host = report.get("host");
    int passes = host.get("passes").asInt();
    assertThat(passes).isPositive();
    assertThat(host.get("documents").asInt()).isEqualTo(9 * passes);
    assertThat(host.get("questions").asInt()).isEqualTo(18 * passes);
    assertThat(host.get("windows").asInt()).isGreaterThan(18 * passes);
    assertThat(host.get("windows_per_s_per_core").asDouble())
        .isCloseTo(host.get("windows_per_s").asDouble() / 2, org.assertj.core.data.Percentage.withPercentage(1));
    JsonNode stages = host.get("stage_s");
    assertThat(stages.fieldNames()).toIterable()
        .containsExactly("tokenize", "prefilter", "windowing", "tensors", "forward_none", "decode");
    double busy = 0;
    for (JsonNode seconds : stages) {
      assertThat(seconds.asDouble()).isNotNegative();
      busy += seconds.asDouble();
    }
    // Stages are timed inside the two workers: together at most their wall time each, plus rounding.
    assertThat(busy).isPositive().isLessThanOrEqualTo(2 * host.get("wall_s").asDouble() + 0.01);
    assertThat(host.get("answers_sha256").asText()).isEqualTo(ANSWERS_UNDER_THE_PIPELINES_POOLING);
    // tiny-distilbert's tokenizer is of BERT's kind: the same passes with the library, same answers.
    assertThat(host.get("java_tokenizer").asBoolean()).isTrue();
    assertThat(host.at("/library_tokenizer/answers_identical").asBoolean()).isTrue();
    assertThat(host.at("/library_tokenizer/windows_per_s_per_core").asDouble()).isPositive();
  }

  /**
   * Under corpus-qa's earlier rules ({@code pooling: span}, questions cut to 64 tokens) the host side
   * still gives exactly the answers it gave before it was made faster.
   */
  @Test
  void keepsTheEarlierRulesAnswersUnderPoolingBySpan() throws Exception {
    Path queries = tmp.resolve("span.yaml");
    Files.writeString(queries, Files.readString(ROOT.resolve("jobs/queries/contract-security.yaml"))
        .replace("defaults:\n", "defaults:\n  pooling: span\n  max_question_len: 64\n"));
    assertThat(Files.readString(queries)).contains("  pooling: span\n");
    Path out = tmp.resolve("host-span.json");
    Result run = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "--master", "local[2]", "bench",
        "--model", "src/test/resources/models/tiny-distilbert", "--forward", "none", "--workers", "2",
        "--synthetic", "9", "--skip-spark", "--seconds", "1", "--queries", queries.toString(),
        "--out", out.toString()), Map.of(), ROOT, 900);
    assertThat(run.exitCode()).as(run.all()).isZero();
    JsonNode host = new ObjectMapper().readTree(out.toFile()).get("host");
    assertThat(host.get("answers_sha256").asText()).isEqualTo(ANSWERS_BEFORE_HOST_WORK);
  }

  /** {@code bench --forward none --synthetic 9} on tiny-distilbert, measured at commit ecd879a's engine. */
  private static final String ANSWERS_BEFORE_HOST_WORK =
      "00d8de2211f300b8ea86b6cf9896cb23ca1bee8ec8fc9044b6e98cf76bf1ccec";

  /**
   * The same under the pipeline's pooling (the default since it replaced the earlier rule), recorded
   * when it did; PipelineReferenceIT checks those answers against the pipeline itself.
   */
  private static final String ANSWERS_UNDER_THE_PIPELINES_POOLING =
      "ff7c538fadc8a47c9616f2fde368b54a8d7b8cdc6ff97b040f98beda3c0c869d";
}
