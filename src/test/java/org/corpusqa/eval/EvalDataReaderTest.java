package org.corpusqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.corpusqa.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalDataReaderTest {
  @TempDir Path tmp;

  private Path file(String json) throws IOException {
    Path f = tmp.resolve("data.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void readsSquadV11AndDetectsV20() throws IOException {
    String v11 = "{\"data\": [{\"paragraphs\": [{\"context\": \"Paris is big.\", \"qas\": ["
        + "{\"id\": \"q1\", \"question\": \"What?\", \"answers\": [{\"text\": \"Paris\", \"answer_start\": 0},"
        + " {\"text\": \"Paris\", \"answer_start\": 0}]}]}]}]}";
    EvalDataset d = EvalDataReader.read(file(v11), EvalInput.SQUAD);
    assertThat(d.format()).isEqualTo(EvalFormat.SQUAD_V1_1);
    assertThat(d.questions()).containsExactly(new EvalQuestion("q1", "What?", java.util.List.of("Paris", "Paris"), null,
        java.util.List.of(0, 0)));
    assertThat(d.sha256()).hasSize(64);

    String v20 = v11.replace("\"answers\"", "\"is_impossible\": false, \"answers\"");
    assertThat(EvalDataReader.read(file(v20), EvalInput.SQUAD).format()).isEqualTo(EvalFormat.SQUAD_V2_0);
    String versioned = "{\"version\": \"v2.0\", " + v11.substring(1);
    assertThat(EvalDataReader.read(file(versioned), EvalInput.SQUAD).format()).isEqualTo(EvalFormat.SQUAD_V2_0);
  }

  @Test
  void readsContractsWithEmptyExtractedPartAsUnanswerable() {
    EvalDataset d = EvalDataReader.read(Paths.get("src/test/resources/eval/contracts-sample.json"), EvalInput.CONTRACTS);
    assertThat(d.format()).isEqualTo(EvalFormat.CONTRACTS);
    assertThat(d.questions()).hasSize(16);
    assertThat(d.questions().stream().filter(EvalQuestion::hasAnswer)).hasSize(6);
    EvalQuestion first = d.questions().get(0);
    assertThat(first.id()).isEqualTo("1001");
    assertThat(first.query()).isEqualTo("обеспечение исполнения контракта");
    assertThat(first.question()).isEqualTo(first.query());
  }

  @Test
  void squadQuestionWithoutId() throws IOException {
    Path f = file("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": [{\"question\": \"q\", \"answers\": []}]}]}]}");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot read data file " + f + ": data[0].paragraphs[0].qas[0]: missing 'id' (a string or an integer)");
  }

  @Test
  void squadDuplicateId() throws IOException {
    Path f = file("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": ["
        + "{\"id\": \"x\", \"question\": \"q\", \"answers\": []}, {\"id\": \"x\", \"question\": \"q\", \"answers\": []}]}]}]}");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .hasMessage("Cannot read data file " + f + ": data[0].paragraphs[0].qas[1]: duplicate id x");
  }

  @Test
  void squadAnswerWithoutText() throws IOException {
    Path f = file("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": ["
        + "{\"id\": \"x\", \"question\": \"q\", \"answers\": [{\"answer_start\": 0}]}]}]}]}");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .hasMessage("Cannot read data file " + f + ": data[0].paragraphs[0].qas[0].answers[0] (id x): missing 'text' (a string)");
  }

  @Test
  void squadParagraphWithoutContext() throws IOException {
    Path f = file("{\"data\": [{\"paragraphs\": [{\"qas\": []}]}]}");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .hasMessage("Cannot read data file " + f + ": data[0].paragraphs[0]: missing 'context' (a non-empty string)");
  }

  @Test
  void contractsGivenAsSquad() {
    Path f = Paths.get("src/test/resources/eval/contracts-sample.json");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .hasMessage("Cannot read data file " + f + ": file: a SQuAD file is an object with a 'data' list;"
            + " for contracts use --format contracts");
  }

  @Test
  void contractWithoutLabel() throws IOException {
    Path f = file("[{\"id\": 7, \"text\": \"t\", \"extracted_part\": {\"text\": [\"\"]}}]");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.CONTRACTS))
        .hasMessage("Cannot read data file " + f + ": record 0 (id 7): missing 'label' (a non-empty string)");
  }

  @Test
  void contractWithMismatchedSpans() throws IOException {
    Path f = file("[{\"id\": 7, \"text\": \"t\", \"label\": \"l\", \"extracted_part\":"
        + " {\"text\": [\"a\", \"b\"], \"answer_start\": [0], \"answer_end\": [1, 2]}}]");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.CONTRACTS))
        .hasMessage("Cannot read data file " + f + ": record 0 (id 7): extracted_part.answer_start has 1 entries"
            + " but extracted_part.text has 2");
  }

  @Test
  void contractWithoutExtractedPart() throws IOException {
    Path f = file("[{\"id\": 7, \"text\": \"t\", \"label\": \"l\"}]");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.CONTRACTS))
        .hasMessage("Cannot read data file " + f + ": record 0 (id 7): extracted_part.text must be a list of"
            + " answer texts ([\"\"] for no answer)");
  }

  @Test
  void notJson() throws IOException {
    Path f = file("{\"data\": [");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .hasMessage("Cannot read data file " + f + ": not valid JSON at line 1, column 11");
  }

  @Test
  void missingFile() {
    Path f = tmp.resolve("none.json");
    assertThatThrownBy(() -> EvalDataReader.read(f, EvalInput.SQUAD))
        .hasMessage("Cannot read data file " + f + ": no such file");
  }
}
