package org.corpusqa.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.corpusqa.config.ConfigException;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.AnswerSource;
import org.corpusqa.qa.BatchLogits;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.QuestionWork;
import org.corpusqa.qa.Window;
import org.corpusqa.qa.WindowObserver;

/**
 * Writes the evidence behind answers for {@code --explain}: one JSON line per window of the chosen
 * documents, with per-token offsets, sequence ids, word ids and logits, and after a (document,
 * question)'s windows one line with its answers and the windows' spans pooled into each. A task writes to a hidden
 * file and renames it to {@code part-NNNNN.jsonl} when it succeeds, so a retried task replaces its
 * output instead of adding to it.
 */
public final class ExplainWriter implements WindowObserver, AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final Set<String> docIds;
  /** A classifier's label names, by logit index; empty for a question-answering model. */
  private final List<String> labels;
  private final FileSystem fs;
  private final Path inProgress;
  private final Path done;
  private final OutputStream out;
  private final JsonGenerator json;
  private long lines;

  /**
   * @param labels a classifier's labels (its windows go to {@code labels-part-NNNNN.jsonl}, so that
   *     a run's answering and labelling stages do not write the same file); empty for a QA model
   */
  public ExplainWriter(String directory, Set<String> docIds, List<String> labels, int partition, long attempt,
      Configuration conf) {
    this.docIds = docIds;
    this.labels = List.copyOf(labels);
    try {
      Path dir = new Path(directory);
      this.fs = dir.getFileSystem(conf);
      String name = String.format(labels.isEmpty() ? "part-%05d.jsonl" : "labels-part-%05d.jsonl", partition);
      this.done = new Path(dir, name);
      this.inProgress = new Path(dir, "." + name + "." + attempt + ".inprogress");
      this.out = fs.create(inProgress, true);
      this.json = JSON.createGenerator(out, JsonEncoding.UTF8);
      json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write explain output to " + directory, e);
    }
  }

  @Override
  public void onWindow(Window window, BatchLogits logits, int rowOffset) {
    String docId = window.work().document().id();
    if (!docIds.contains(docId)) {
      return;
    }
    try {
      writeWindow(window, logits, rowOffset, docId);
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write explain output", e);
    }
  }

  /**
   * A classification window: its place in the text, its ids, and its logits with the labels they
   * belong to; the probabilities are their softmax, as in the labels table's one window.
   */
  @Override
  public void onLabelWindow(Window window, float[] labelLogits, int offset, int labelCount) {
    String docId = window.work().document().id();
    if (!docIds.contains(docId)) {
      return;
    }
    try {
      json.writeStartObject();
      json.writeStringField("doc_id", docId);
      json.writeStringField("query_id", window.work().query().id());
      json.writeNumberField("window", window.index());
      json.writeNumberField("start_char", window.work().windowStartChar(window.index()));
      json.writeNumberField("end_char", window.work().windowEndChar(window.index()));
      writeIds("sequence_ids", window.sequenceIds());
      json.writeArrayFieldStart("labels");
      for (String label : labels) {
        json.writeString(label);
      }
      json.writeEndArray();
      writeLogits("label_logits", labelLogits, offset, labelCount);
      DecodingSettings s = window.work().query().settings();
      json.writeObjectFieldStart("settings");
      json.writeNumberField("max_seq_len", s.maxSeqLen());
      json.writeNumberField("doc_stride", s.docStride());
      json.writeEndObject();
      json.writeEndObject();
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write explain output", e);
    }
  }

  /**
   * A window the prefilter left out: one line with its place in the text and its lexical score,
   * marked {@code "skipped": true}, and no logits (the model never read it).
   */
  @Override
  public void onSkippedWindow(QuestionWork work, int index) {
    String docId = work.document().id();
    if (!docIds.contains(docId)) {
      return;
    }
    try {
      json.writeStartObject();
      json.writeStringField("doc_id", docId);
      json.writeStringField("query_id", work.query().id());
      json.writeNumberField("window", index);
      json.writeBooleanField("skipped", true);
      json.writeNumberField("lexical_score", work.lexicalScore(index));
      json.writeNumberField("start_char", work.windowStartChar(index));
      json.writeNumberField("end_char", work.windowEndChar(index));
      json.writeEndObject();
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write explain output", e);
    }
  }

  /**
   * After a (document, question)'s windows: one line with its answers and, for each, the windows'
   * spans pooled into it ({@code pooling: text} adds the scores of equal texts found anywhere in the
   * document, {@code span} keeps the best score of the same characters), so that an answer's score
   * and place can be traced to the windows above. Offsets only, never text.
   */
  public void writeAnswers(QaResult result) {
    if (result.isFailed() || result.label() != null || !docIds.contains(result.docId())) {
      return;
    }
    try {
      json.writeStartObject();
      json.writeStringField("doc_id", result.docId());
      json.writeStringField("query_id", result.query().id());
      json.writeStringField("pooling", result.query().settings().pooling().key());
      json.writeArrayFieldStart("answers");
      for (Answer answer : result.answers()) {
        json.writeStartObject();
        json.writeNumberField("rank", answer.rank());
        if (answer.hasSpan()) {
          json.writeNumberField("start_char", answer.startChar());
          json.writeNumberField("end_char", answer.endChar());
        } else {
          json.writeStringField("no_answer", answer.reason().name());
        }
        if (answer.score() != null) {
          json.writeNumberField("score", answer.score());
        }
        json.writeArrayFieldStart("sources");
        for (AnswerSource source : answer.sources()) {
          json.writeStartObject();
          json.writeNumberField("window", source.window());
          json.writeNumberField("start_char", source.startChar());
          json.writeNumberField("end_char", source.endChar());
          json.writeNumberField("score", source.score());
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write explain output", e);
    }
  }

  private void writeWindow(Window window, BatchLogits logits, int rowOffset, String docId)
      throws IOException {
    int length = window.length();
    int contextStart = window.contextStart();
    int[] starts = window.work().context().starts();
    int[] ends = window.work().context().ends();
    json.writeStartObject();
    json.writeStringField("doc_id", docId);
    json.writeStringField("query_id", window.work().query().id());
    json.writeNumberField("window", window.index());
    double lexical = window.work().lexicalScore(window.index());
    if (!Double.isNaN(lexical)) {
      json.writeNumberField("lexical_score", lexical);
    }
    json.writeArrayFieldStart("offsets");
    int contextEnd = contextStart + window.contextTo() - window.contextFrom();
    for (int i = 0; i < length; i++) {
      if (i >= contextStart && i < contextEnd) {
        int token = window.contextFrom() + i - contextStart;
        json.writeStartArray();
        json.writeNumber(starts[token]);
        json.writeNumber(ends[token]);
        json.writeEndArray();
      } else {
        json.writeNull();
      }
    }
    json.writeEndArray();
    writeIds("sequence_ids", window.sequenceIds());
    writeIds("word_ids", window.wordIds());
    writeLogits("start_logits", logits.start(), rowOffset, length);
    writeLogits("end_logits", logits.end(), rowOffset, length);
    DecodingSettings s = window.work().query().settings();
    json.writeObjectFieldStart("settings");
    json.writeNumberField("max_seq_len", s.maxSeqLen());
    json.writeNumberField("doc_stride", s.docStride());
    json.writeNumberField("max_answer_len", s.maxAnswerLen());
    json.writeNumberField("top_k", s.topK());
    json.writeBooleanField("handle_impossible_answer", s.handleImpossibleAnswer());
    json.writeBooleanField("align_to_words", s.alignToWords());
    json.writeStringField("pooling", s.pooling().key());
    json.writeEndObject();
    json.writeEndObject();
  }

  private void writeIds(String field, int[] ids) throws IOException {
    json.writeArrayFieldStart(field);
    for (int id : ids) {
      if (id < 0) {
        json.writeNull();
      } else {
        json.writeNumber(id);
      }
    }
    json.writeEndArray();
  }

  private void writeLogits(String field, float[] values, int offset, int length) throws IOException {
    json.writeArrayFieldStart(field);
    for (int i = 0; i < length; i++) {
      json.writeNumber(values[offset + i]);
    }
    json.writeEndArray();
  }

  /** Publishes the file; called only when the task's output is complete. */
  public void commit() {
    try {
      if (lines > 0) {
        json.writeRaw('\n');
      }
      json.close();
      out.close();
      fs.delete(done, false);
      if (!fs.rename(inProgress, done)) {
        throw new IOException("rename of " + inProgress + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write explain output " + done, e);
    }
  }

  /** Drops the file of a task that did not finish. */
  @Override
  public void close() {
    try {
      json.close();
      out.close();
      fs.delete(inProgress, false);
    } catch (IOException e) {
      // The task is failing already; a leftover hidden file is ignored by readers of part-*.jsonl.
    }
  }

  /** Checked before any data is read: an explain directory must be new or empty, never mixed with another run's. */
  public static void prepareDirectory(String directory, Configuration conf) {
    try {
      Path dir = new Path(directory);
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(dir)) {
        if (fs.listStatus(dir).length > 0) {
          throw new ConfigException(
              "Cannot write explain output to " + directory + ": the directory is not empty;"
                  + " give a new directory or empty this one");
        }
      } else {
        fs.mkdirs(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare explain directory " + directory, e);
    }
  }
}
