package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backfill whose driver is killed (SIGKILL) mid-way, then run again: it must finish the rest only. */
class BackfillIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FILES = 6;

  @TempDir Path tmp;

  /** The scheduler's wrapper, jobs/backfill.sh, one file per chunk. */
  private List<String> backfill(Path archive, Path warehouse) {
    return List.of("env", "CORPUSQA_FORMAT=json", "CORPUSQA_WAREHOUSE=" + warehouse,
        ROOT.resolve("jobs/backfill.sh").toString(), archive.toString(), "src/test/resources/models/tiny-distilbert",
        "--files-per-chunk", "1");
  }

  /** An archive of JSON-lines files, 3 documents each. */
  private Path archive() throws IOException {
    Path archive = tmp.resolve("archive");
    Files.createDirectories(archive);
    List<String> sample = Files.readAllLines(ROOT.resolve("jobs/sample/contracts.jsonl"));
    for (int f = 0; f < FILES; f++) {
      List<String> lines = new ArrayList<>();
      for (int d = 0; d < 3; d++) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(sample.get((f * 3 + d) % 7));
        node.put("doc_id", "f" + f + "-d" + d);
        lines.add(JSON.writeValueAsString(node));
      }
      Files.write(archive.resolve(String.format("day-%02d.jsonl", f)), lines);
    }
    return archive;
  }

  private List<String> answers(Path warehouse) {
    Result sql = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "sql", "--warehouse",
        warehouse.toString(), "--format", "json",
        "SELECT doc_id, query_id, rank, answer, start_char, end_char, score FROM answers ORDER BY doc_id, query_id, rank"),
        Map.of(), ROOT, 600);
    assertThat(sql.exitCode()).as(sql.all()).isZero();
    return List.of(sql.stdout().split("\n"));
  }

  @Test
  void killedBackfillResumesWithTheRemainingChunksOnly() throws Exception {
    Path archive = archive();
    Path reference = tmp.resolve("reference");
    Result uninterrupted = Processes.run(backfill(archive, reference), Map.of(), ROOT, 900);
    assertThat(uninterrupted.exitCode()).as(uninterrupted.all()).isZero();
    assertThat(uninterrupted.stdout()).contains("6 chunks, 0 were already committed, 6 committed now, 18 records sent");

    Path warehouse = tmp.resolve("killed");
    Path log = tmp.resolve("killed.log");
    Process process = Processes.start(backfill(archive, warehouse), ROOT, log);
    Pattern progress = Pattern.compile("\\((\\d+)/6 done\\)");
    int committed = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (committed < 2 && System.nanoTime() < deadline && process.isAlive()) {
      Thread.sleep(200);
      Matcher m = progress.matcher(Files.readString(log));
      while (m.find()) {
        committed = Math.max(committed, Integer.parseInt(m.group(1)));
      }
    }
    assertThat(committed).as(Files.readString(log)).isGreaterThanOrEqualTo(2);
    process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    process.waitFor(60, TimeUnit.SECONDS);

    Result resumed = Processes.run(backfill(archive, warehouse), Map.of(), ROOT, 900);
    assertThat(resumed.exitCode()).as(resumed.all()).isZero();
    Matcher summary = Pattern.compile("6 chunks, (\\d+) were already committed, (\\d+) committed now, (\\d+) records sent")
        .matcher(resumed.stdout());
    assertThat(summary.find()).as(resumed.stdout()).isTrue();
    int before = Integer.parseInt(summary.group(1));
    assertThat(before).isGreaterThanOrEqualTo(committed);
    assertThat(Integer.parseInt(summary.group(2))).isEqualTo(6 - before);
    // Only documents of chunks not committed went to the model (a chunk cut off after its answers
    // were merged but before its runs row sends none: its pairs are already answered).
    assertThat(Integer.parseInt(summary.group(3))).isLessThanOrEqualTo(3 * (6 - before));
    assertThat(answers(warehouse)).isEqualTo(answers(reference));
  }
}
