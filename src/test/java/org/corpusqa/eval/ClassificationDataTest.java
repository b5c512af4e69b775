package org.corpusqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassificationDataTest {
  @TempDir Path tmp;

  private static Path shared(String file) {
    Path path = SharedData.ROOT.resolve("data/classification").resolve(file);
    assumeTrue(Files.isRegularFile(path), "needs ../shared/data/classification: not found at " + path);
    return path;
  }

  @Test
  void readsGluesSst2AndColaDevFiles() {
    List<ClassificationData.Example> sst2 = ClassificationData.glue(shared("sst2-dev.tsv"));
    assertThat(sst2).hasSize(872);
    assertThat(sst2.get(0)).isEqualTo(new ClassificationData.Example("2", null,
        "it 's a charming and often affecting journey . ", 1));
    assertThat(sst2).extracting(ClassificationData.Example::label).containsOnly(0, 1);
    List<ClassificationData.Example> cola = ClassificationData.glue(shared("cola-dev.tsv"));
    assertThat(cola).hasSize(1043);
    assertThat(cola.get(0)).isEqualTo(new ClassificationData.Example("1", null,
        "The sailors rode the breeze clear of the rocks.", 1));
    assertThat(cola).extracting(ClassificationData.Example::label).contains(0, 1);
  }

  @Test
  void readsYesNoLinesAndPairsWithAHeader() throws Exception {
    Path yesNo = tmp.resolve("danetqa.jsonl");
    Files.writeString(yesNo, String.join("\n",
        "{\"id\": \"a\", \"question\": \"Требуется ли обеспечение?\", \"passage\": \"Обеспечение не требуется.\", \"label\": false}",
        "{\"question\": \"is it?\", \"passage\": \"It is.\", \"answer\": true, \"title\": \"t\"}", ""));
    assertThat(ClassificationData.yesNo(yesNo)).containsExactly(
        new ClassificationData.Example("a", "Требуется ли обеспечение?", "Обеспечение не требуется.", 0),
        new ClassificationData.Example("2", "is it?", "It is.", 1));
    Path pairs = tmp.resolve("mrpc.tsv");
    Files.writeString(pairs, "sentence1\tsentence2\tlabel\nA cat.\tA feline.\t1\n");
    assertThat(ClassificationData.glue(pairs)).containsExactly(new ClassificationData.Example("2", "A cat.", "A feline.", 1));
  }

  @Test
  void badRowsNameTheFileAndLine() throws Exception {
    Path bad = tmp.resolve("bad.tsv");
    Files.writeString(bad, "sentence\tlabel\nfine\t1\nbroken\tpositive\n");
    assertThatThrownBy(() -> ClassificationData.glue(bad))
        .hasMessage("Cannot read " + bad + ": line 3: the label must be a class index (0, 1, ...), got: positive");
    Path badYes = tmp.resolve("bad.jsonl");
    Files.writeString(badYes, "{\"question\": \"q\", \"passage\": \"p\", \"label\": \"yes\"}\n");
    assertThatThrownBy(() -> ClassificationData.yesNo(badYes))
        .hasMessage("Cannot read " + badYes + ": line 1: \"label\" must be true or false, got: \"yes\"");
  }
}
