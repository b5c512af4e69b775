package org.corpusqa.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.corpusqa.config.ConfigException;
import org.corpusqa.digest.Sha256;

/**
 * Reads labelled data: SQuAD JSON (v1.1, or v2.0 when the file says {@code "version": "v2.0"} or a
 * question has {@code is_impossible}) and the contract format of our first users. Every error names
 * the file and the record.
 */
public final class EvalDataReader {
  private final Path file;

  private EvalDataReader(Path file) {
    this.file = file;
  }

  /** @param contracts true for the contract format, false for SQuAD */
  public static EvalDataset read(Path file, EvalInput input) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Cannot read data file " + file + ": no such file");
    }
    byte[] bytes;
    JsonNode root;
    try {
      bytes = Files.readAllBytes(file);
      root = new ObjectMapper().readTree(bytes);
    } catch (JsonProcessingException e) {
      // Only the position: the parser's message may quote a piece of the (labelled) text.
      var at = e.getLocation();
      throw new ConfigException("Cannot read data file " + file + ": not valid JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    } catch (IOException e) {
      throw new ConfigException("Cannot read data file " + file + ": " + e.getMessage(), e);
    }
    EvalDataReader reader = new EvalDataReader(file);
    String sha256 = Sha256.of(bytes);
    return input == EvalInput.CONTRACTS ? reader.contracts(root, sha256) : reader.squad(root, sha256);
  }

  private EvalDataset squad(JsonNode root, String sha256) {
    if (root == null || !root.isObject() || !root.path("data").isArray()) {
      throw error("file", "a SQuAD file is an object with a 'data' list; for contracts use --format contracts");
    }
    boolean v2 = "v2.0".equals(root.path("version").asText());
    List<EvalContext> contexts = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    JsonNode data = root.get("data");
    for (int a = 0; a < data.size(); a++) {
      JsonNode paragraphs = data.get(a).path("paragraphs");
      if (!paragraphs.isArray()) {
        throw error("data[" + a + "]", "missing 'paragraphs' list");
      }
      for (int p = 0; p < paragraphs.size(); p++) {
        String where = "data[" + a + "].paragraphs[" + p + "]";
        JsonNode paragraph = paragraphs.get(p);
        String context = text(paragraph, "context", where);
        JsonNode qas = paragraph.path("qas");
        if (!qas.isArray()) {
          throw error(where, "missing 'qas' list");
        }
        List<EvalQuestion> questions = new ArrayList<>();
        for (int q = 0; q < qas.size(); q++) {
          String qWhere = where + ".qas[" + q + "]";
          JsonNode qa = qas.get(q);
          String id = id(qa.get("id"), qWhere, ids);
          String question = text(qa, "question", qWhere + " (id " + id + ")");
          JsonNode answers = qa.path("answers");
          if (!answers.isArray()) {
            throw error(qWhere + " (id " + id + ")", "missing 'answers' list");
          }
          List<String> golds = new ArrayList<>();
          List<Integer> starts = new ArrayList<>();
          for (int g = 0; g < answers.size(); g++) {
            golds.add(text(answers.get(g), "text", qWhere + ".answers[" + g + "] (id " + id + ")", true));
            JsonNode start = answers.get(g).get("answer_start");
            starts.add(start != null && start.canConvertToInt() ? start.asInt() : -1);
          }
          v2 |= qa.has("is_impossible");
          questions.add(new EvalQuestion(id, question, golds, null, starts));
        }
        contexts.add(new EvalContext("a" + a + "p" + p, context, List.copyOf(questions)));
      }
    }
    return new EvalDataset(file.toString(), sha256, v2 ? EvalFormat.SQUAD_V2_0 : EvalFormat.SQUAD_V1_1, List.copyOf(contexts));
  }

  private EvalDataset contracts(JsonNode root, String sha256) {
    if (root == null || !root.isArray()) {
      throw error("file", "a contracts file is a JSON list of {id, text, label, extracted_part}; for SQuAD use --format squad");
    }
    List<EvalContext> contexts = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int r = 0; r < root.size(); r++) {
      JsonNode record = root.get(r);
      String where = "record " + r;
      String id = id(record.get("id"), where, ids);
      where = where + " (id " + id + ")";
      String text = text(record, "text", where);
      String label = text(record, "label", where);
      JsonNode part = record.path("extracted_part");
      JsonNode texts = part.path("text");
      if (!part.isObject() || !texts.isArray() || texts.isEmpty()) {
        throw error(where, "extracted_part.text must be a list of answer texts ([\"\"] for no answer)");
      }
      for (String list : List.of("answer_start", "answer_end")) {
        if (part.has(list) && part.get(list).size() != texts.size()) {
          throw error(where, "extracted_part." + list + " has " + part.get(list).size()
              + " entries but extracted_part.text has " + texts.size());
        }
      }
      // [""] means the contract has no such clause: an unanswerable question, as in SQuAD v2.0.
      List<String> golds = new ArrayList<>();
      List<Integer> starts = new ArrayList<>();
      for (int t = 0; t < texts.size(); t++) {
        if (!texts.get(t).isTextual()) {
          throw error(where, "extracted_part.text[" + t + "] must be a string");
        }
        if (!texts.get(t).asText().isEmpty()) {
          golds.add(texts.get(t).asText());
          JsonNode start = part.path("answer_start").get(t);
          // Where the file does not say, the first occurrence of the text.
          starts.add(start != null && start.canConvertToInt() && start.asInt() >= 0 ? start.asInt()
              : text.indexOf(texts.get(t).asText()));
        }
      }
      contexts.add(new EvalContext("r" + r, text,
          List.of(new EvalQuestion(id, label, golds, label, starts))));
    }
    return new EvalDataset(file.toString(), sha256, EvalFormat.CONTRACTS, List.copyOf(contexts));
  }

  private String id(JsonNode node, String where, Set<String> seen) {
    if (node == null || !(node.isTextual() || node.isIntegralNumber()) || node.asText().isEmpty()) {
      throw error(where, "missing 'id' (a string or an integer)");
    }
    String id = node.asText();
    if (!seen.add(id)) {
      throw error(where, "duplicate id " + id);
    }
    return id;
  }

  private String text(JsonNode node, String field, String where) {
    return text(node, field, where, false);
  }

  private String text(JsonNode node, String field, String where, boolean emptyAllowed) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isTextual() || (!emptyAllowed && value.asText().isBlank())) {
      throw error(where, "missing '" + field + "' (a " + (emptyAllowed ? "" : "non-empty ") + "string)");
    }
    return value.asText();
  }

  private ConfigException error(String where, String message) {
    return new ConfigException("Cannot read data file " + file + ": " + where + ": " + message);
  }
}
