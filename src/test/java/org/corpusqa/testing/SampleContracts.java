package org.corpusqa.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sample corpus that ships with the project (jobs/sample/contracts.jsonl), as tests read it. */
public final class SampleContracts {
  public static final Path JSONL = Paths.get("jobs/sample/contracts.jsonl").toAbsolutePath();

  private SampleContracts() {}

  /** Each sample contract's text by its doc_id, in file order. */
  public static Map<String, String> texts() throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(JSONL)) {
      JsonNode node = json.readTree(line);
      texts.put(node.get("doc_id").asText(), node.get("text").asText());
    }
    return texts;
  }
}
