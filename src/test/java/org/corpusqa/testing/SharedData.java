package org.corpusqa.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The project's shared data beside the checkout ({@code ../shared}, or {@code -Dcorpusqa.shared}):
 * read in place, never copied into the project. A test that needs it skips with the reason when it
 * is absent (CI fails on any skip).
 */
public final class SharedData {
  public static final Path ROOT =
      Paths.get(System.getProperty("corpusqa.shared", "../shared")).toAbsolutePath().normalize();

  private SharedData() {}

  /** A Hugging Face model folder of {@code ../shared/fixtures/hf} (see its README). */
  public static Path hfFixture(String name) {
    Path folder = ROOT.resolve("fixtures/hf").resolve(name);
    assumeTrue(Files.isDirectory(folder), "needs ../shared/fixtures/hf (Hugging Face folders): not found at " + folder);
    return folder;
  }

  /**
   * {@code count} XQuAD articles of one language ({@code ru}, {@code en}), from article {@code first},
   * as one document: its paragraphs joined by blank lines, many model windows long.
   */
  public static String xquadArticles(String language, int first, int count) throws IOException {
    Path file = ROOT.resolve("data/qa/xquad." + language + ".json");
    assumeTrue(Files.isRegularFile(file), "needs ../shared/data (XQuAD): not found at " + file);
    JsonNode data = new ObjectMapper().readTree(file.toFile()).get("data");
    StringBuilder text = new StringBuilder();
    for (int a = first; a < first + count; a++) {
      for (JsonNode paragraph : data.get(a).get("paragraphs")) {
        text.append(paragraph.get("context").asText()).append("\n\n");
      }
    }
    return text.toString();
  }

  /** One corpus line of {@code --input-format json}: {@code {"doc_id": ..., "text": ...}}. */
  public static String jsonLine(String docId, String text) throws IOException {
    ObjectMapper json = new ObjectMapper();
    return json.writeValueAsString(json.createObjectNode().put("doc_id", docId).put("text", text));
  }
}
