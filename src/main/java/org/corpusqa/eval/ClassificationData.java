package org.corpusqa.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Labelled classification data, in the layouts it is published in:
 *
 * <ul>
 *   <li>{@code glue}: GLUE's TSV files. With a header, its {@code sentence} (and for pairs {@code
 *       sentence1}, {@code sentence2} or {@code question}, {@code sentence}) and {@code label}
 *       columns, as SST-2; without one, CoLA's {@code source, label, original mark, sentence}.
 *       Labels are class indexes: class i is the model's output i.
 *   <li>{@code yesno}: JSON lines {@code {"id", "question", "passage", "label": true|false}}, the
 *       DaNetQA / BoolQ layout (BoolQ's {@code answer} and {@code title} are read too). {@code false}
 *       is class 0 and {@code true} class 1, as DaNetQA's and BoolQ's models are trained.
 * </ul>
 *
 * A row's id is its {@code id} or, where the data has none, its line number.
 */
public final class ClassificationData {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One labelled input: a text alone ({@code question} null) or a (question, text) pair, and its class. */
  public record Example(String id, String question, String text, int label) {}

  private ClassificationData() {}

  public static List<Example> glue(Path file) {
    List<Example> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null) {
        throw invalid(file, 1, "the file is empty");
      }
      String[] header = first.split("\t", -1);
      List<String> names = List.of(header);
      int lineNumber = 1;
      String line = first;
      boolean headed = names.contains("label");
      int labelColumn = headed ? names.indexOf("label") : 1;
      int textColumn = headed ? firstOf(names, "sentence", "sentence2", "text") : 3;
      int questionColumn = headed ? firstOf(names, "question", "sentence1") : -1;
      if (headed && textColumn < 0) {
        throw invalid(file, 1, "a GLUE header names its text column sentence (or sentence1 and sentence2), got: "
            + String.join(", ", names));
      }
      if (headed) {
        line = in.readLine();
        lineNumber++;
      }
      for (; line != null; line = in.readLine(), lineNumber++) {
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        int needed = Math.max(labelColumn, Math.max(textColumn, questionColumn)) + 1;
        if (cells.length < needed) {
          throw invalid(file, lineNumber, "expected " + needed + " tab-separated columns, got " + cells.length
              + (headed ? "" : " (CoLA: source, label, original mark, sentence)"));
        }
        int label;
        try {
          label = Integer.parseInt(cells[labelColumn].strip());
        } catch (NumberFormatException e) {
          throw invalid(file, lineNumber, "the label must be a class index (0, 1, ...), got: " + cells[labelColumn]);
        }
        if (label < 0) {
          throw invalid(file, lineNumber, "the label must be a class index (0, 1, ...), got: " + label);
        }
        out.add(new Example(Integer.toString(lineNumber), questionColumn < 0 ? null : cells[questionColumn],
            cells[textColumn], label));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  public static List<Example> yesNo(Path file) {
    List<Example> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = JSON.readTree(line);
        } catch (IOException e) {
          throw invalid(file, lineNumber, "not a JSON object");
        }
        JsonNode question = row.get("question");
        JsonNode passage = row.get("passage");
        JsonNode label = row.has("label") ? row.get("label") : row.get("answer");
        if (question == null || !question.isTextual() || passage == null || !passage.isTextual()) {
          throw invalid(file, lineNumber, "a yes/no row needs \"question\" and \"passage\" strings");
        }
        if (label == null || !label.isBoolean()) {
          throw invalid(file, lineNumber, "\"label\" must be true or false, got: " + label);
        }
        String id = row.hasNonNull("id") ? row.get("id").asText() : row.hasNonNull("idx")
            ? row.get("idx").asText() : Integer.toString(lineNumber);
        if (!ids.add(id)) {
          throw invalid(file, lineNumber, "id '" + id + "' appears twice");
        }
        out.add(new Example(id, question.asText(), passage.asText(), label.asBoolean() ? 1 : 0));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw invalid(file, 1, "no rows");
    }
    return out;
  }

  private static int firstOf(List<String> names, String... wanted) {
    for (String w : wanted) {
      if (names.contains(w)) {
        return names.indexOf(w);
      }
    }
    return -1;
  }

  private static IllegalArgumentException invalid(Path file, int line, String reason) {
    return new IllegalArgumentException("Cannot read " + file + ": line " + line + ": " + reason);
  }
}
