package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * {@code jobs/corpus-qa evaluate} as model owners run it; its metrics.json must equal what an
 * independent implementation of the official scripts (tools/check-squad-metrics.py) computes from
 * its predictions.json and na_probs.json.
 */
class EvaluateIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final Path SHARED =
      Paths.get(System.getProperty("corpusqa.shared", "../shared")).toAbsolutePath().normalize();

  @TempDir Path tmp;

  private Result evaluate(Path data, String format, Path out) {
    return Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "evaluate", "--data", data.toString(),
        "--format", format, "--model", "src/test/resources/models/tiny-distilbert", "--out", out.toString(),
        "--warehouse", tmp.resolve("warehouse").toString()), Map.of(), ROOT, 900);
  }

  private Result check(Path data, String format, Path out, boolean naProbs) {
    List<String> command = new java.util.ArrayList<>(List.of("python3", "tools/check-squad-metrics.py",
        "--data", data.toString(), "--format", format, "--predictions", out.resolve("predictions.json").toString(),
        "--metrics", out.resolve("metrics.json").toString()));
    if (naProbs) {
      command.addAll(List.of("--na-probs", out.resolve("na_probs.json").toString()));
    }
    return Processes.run(command, Map.of(), ROOT, 300);
  }

  @Test
  void squadV20MetricsAreTheOfficialScriptsNumbers() {
    Path data = SHARED.resolve("data/qa/squad-v2.0-dev-5-articles.json");
    assumeTrue(Files.isRegularFile(data), "needs ../shared: " + data + " not found");
    Path out = tmp.resolve("v2");
    Result run = evaluate(data, "squad", out);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("squad_v2.0, 1407 questions").contains("best_f1_thresh");
    Result check = check(data, "squad", out, true);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(check.stdout()).contains("metrics agree (13 values)");
  }

  @Test
  void contractMetricsAreTheOfficialScriptsNumbersOverallAndPerQuery() {
    Path data = ROOT.resolve("src/test/resources/eval/contracts-sample.json");
    Path out = tmp.resolve("contracts");
    Result run = evaluate(data, "contracts", out);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("contracts, 16 questions").contains("query обеспечение исполнения контракта:");
    Result check = check(data, "contracts", out, true);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(check.stdout()).contains("metrics agree");
  }

  @Test
  void malformedDataIsAConfigurationError() throws Exception {
    Path data = tmp.resolve("bad.json");
    Files.writeString(data, "[{\"id\": 1, \"text\": \"t\", \"extracted_part\": {\"text\": [\"\"]}}]");
    Result run = evaluate(data, "contracts", tmp.resolve("bad"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("corpus-qa: Cannot read data file " + data
        + ": record 0 (id 1): missing 'label' (a non-empty string)");
  }
}
