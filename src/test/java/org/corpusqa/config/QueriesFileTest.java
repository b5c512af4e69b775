package org.corpusqa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.corpusqa.qa.AnswerPooling;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.Query;
import org.junit.jupiter.api.Test;

class QueriesFileTest {
  private static List<Query> parse(String yaml) {
    return QueriesFile.parse("q.yaml", yaml);
  }

  @Test
  void readsTheShippedContractQueries() {
    List<Query> queries = QueriesFile.read(Paths.get("jobs/queries/contract-security.yaml"));
    assertThat(queries).extracting(Query::id).containsExactly("performance_security", "warranty_security");
    assertThat(queries.get(0).question()).isEqualTo("обеспечение исполнения контракта");
    assertThat(queries.get(0).settings().maxAnswerLen()).isEqualTo(64);
    assertThat(queries.get(0).settings().handleImpossibleAnswer()).isTrue();
    assertThat(queries.get(0).settings().maxSeqLen()).isEqualTo(384);
  }

  @Test
  void classificationQueriesWithAndWithoutAQuestion() {
    List<Query> queries = parse(String.join("\n",
        "queries:",
        "  - id: clause",
        "    question: обеспечение исполнения контракта",
        "  - id: requires_security",
        "    task: classify",
        "    question: требуется ли обеспечение исполнения контракта?",
        "    positive_label: yes",
        "    threshold: 0.7",
        "    aggregate: mean",
        "  - id: contract_type",
        "    task: classify",
        "    max_seq_len: 256",
        ""));
    assertThat(queries.get(0).isClassification()).isFalse();
    Query yesNo = queries.get(1);
    assertThat(yesNo.classification()).isEqualTo(new org.corpusqa.qa.Classification(
        org.corpusqa.qa.Aggregate.MEAN, "yes", 0.7));
    Query single = queries.get(2);
    assertThat(single.question()).isEmpty();
    assertThat(single.classification()).isEqualTo(new org.corpusqa.qa.Classification(
        QueriesFile.DEFAULT_AGGREGATE, null, QueriesFile.DEFAULT_THRESHOLD));
    assertThat(single.settings().maxSeqLen()).isEqualTo(256);
    // The classification settings are part of the query's identity.
    assertThat(yesNo.sha256()).isNotEqualTo(new Query(yesNo.id(), yesNo.question(), yesNo.settings()).sha256());
  }

  @Test
  void classificationKeysNeedTheirTaskAndAThresholdItsLabel() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    aggregate: max\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: query 'a': aggregate is for classification queries;"
            + " add task: classify, or remove it");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    task: classify\n    threshold: 0.9\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: query 'a': threshold applies to a positive_label;"
            + " name the label it decides");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    task: label\n"))
        .hasMessageContaining("line 3: task must be answer (extractive QA, the default) or classify");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    task: classify\n    aggregate: sum\n"))
        .hasMessageContaining("line 4: aggregate must be one of mean, max, first, got: sum");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    task: classify\n    positive_label: y\n    threshold: 2\n"))
        .hasMessageContaining("line 5: Cannot set threshold: must be a probability between 0 and 1, got: 2");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n"))
        .hasMessageContaining("query 'a' has no 'question'");
  }

  @Test
  void defaultsAreThePipelines() {
    List<Query> queries = parse("queries:\n  - id: a\n    question: what?\n");
    assertThat(queries.get(0).settings()).isEqualTo(DecodingSettings.DEFAULTS);
    assertThat(DecodingSettings.DEFAULTS)
        .isEqualTo(new DecodingSettings(384, 128, null, 15, 1, false, true, null, AnswerPooling.TEXT));
  }

  @Test
  void perQueryOverridesWinOverDefaults() {
    List<Query> queries =
        parse(
            "defaults:\n  max_answer_len: 30\n  top_k: 2\nqueries:\n"
                + "  - id: a\n    question: q1\n    max_answer_len: 64\n    handle_impossible_answer: true\n"
                + "  - id: b\n    question: q2\n    align_to_words: false\n    doc_stride: 64\n"
                + "    max_question_len: 64\n    pooling: span\n");
    assertThat(queries.get(0).settings())
        .isEqualTo(new DecodingSettings(384, 128, null, 64, 2, true, true, null, AnswerPooling.TEXT));
    assertThat(queries.get(1).settings())
        .isEqualTo(new DecodingSettings(384, 64, 64, 30, 2, false, false, null, AnswerPooling.SPAN));
  }

  @Test
  void unknownKeyInAQuery() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    max_anwser_len: 3\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot read queries file q.yaml: line 4: unknown key 'max_anwser_len'; use id,"
            + " prefilter, question, task, max_seq_len, doc_stride, max_question_len, max_answer_len, top_k,"
            + " handle_impossible_answer, align_to_words, null_threshold, pooling");
  }

  @Test
  void unknownKeyInDefaults() {
    assertThatThrownBy(() -> parse("defaults:\n  topk: 3\nqueries:\n  - id: a\n    question: q\n"))
        .hasMessage("Cannot read queries file q.yaml: line 2: unknown key 'topk'; use prefilter, max_seq_len,"
            + " doc_stride, max_question_len, max_answer_len, top_k, handle_impossible_answer, align_to_words,"
            + " null_threshold, pooling");
  }

  @Test
  void unknownTopLevelKey() {
    assertThatThrownBy(() -> parse("query:\n  - id: a\n"))
        .hasMessage("Cannot read queries file q.yaml: line 1: unknown key 'query'; use defaults, queries");
  }

  @Test
  void missingId() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n  - question: q2\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: query has no 'id'");
  }

  @Test
  void missingQuestion() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n"))
        .hasMessage("Cannot read queries file q.yaml: line 2: query 'a' has no 'question'");
  }

  @Test
  void emptyQuestion() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: '  '\n"))
        .hasMessage("Cannot read queries file q.yaml: line 3: question must not be empty");
  }

  @Test
  void duplicateIds() {
    assertThatThrownBy(
            () -> parse("queries:\n  - id: a\n    question: q\n  - id: b\n    question: q\n  - id: a\n    question: r\n"))
        .hasMessage("Cannot read queries file q.yaml: line 6: duplicate query id 'a'; ids must be unique");
  }

  @Test
  void duplicateKey() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    top_k: 2\n    top_k: 3\n"))
        .hasMessage("Cannot read queries file q.yaml: line 5: key 'top_k' appears twice");
  }

  @Test
  void badId() {
    assertThatThrownBy(() -> parse("queries:\n  - id: 'a b'\n    question: q\n"))
        .hasMessage("Cannot read queries file q.yaml: line 2: id must be letters, digits, '_', '.' or"
            + " '-' (at most 128), got: 'a b'");
  }

  @Test
  void valueOutOfRange() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    top_k: 0\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set top_k: must be between 1 and 100, got: 0");
  }

  @Test
  void valueNotAnInteger() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    max_answer_len: long\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set max_answer_len: must be an"
            + " integer between 1 and 100000, got: long");
  }

  @Test
  void flagNotABoolean() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    handle_impossible_answer: 1\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set handle_impossible_answer:"
            + " must be true or false, got: 1");
  }

  @Test
  void strideThatLeavesNoRoomToMove() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    doc_stride: 330\n    max_question_len: 64\n"))
        .hasMessage("Cannot read queries file q.yaml: line 2: query 'a': Cannot use doc_stride 330 with"
            + " max_question_len 64: together they must be less than max_seq_len 384, so that each"
            + " window moves forward");
    // Without max_question_len the question's own length decides, once the tokenizer is known.
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    doc_stride: 384\n"))
        .hasMessage("Cannot read queries file q.yaml: line 2: query 'a': Cannot use doc_stride 384: it must be"
            + " less than max_seq_len 384, so that each window moves forward");
  }

  @Test
  void poolingIsTextOrSpan() {
    assertThat(parse("queries:\n  - id: a\n    question: q\n    pooling: span\n").get(0).settings().pooling())
        .isEqualTo(AnswerPooling.SPAN);
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    pooling: best\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set pooling: must be one of text, span,"
            + " got: best");
  }

  @Test
  void theEarlierRulesKeepAQuerysIdentity() {
    // The sha256 a query had before pooling and the uncut question (answers carry it): its settings
    // map then had max_question_len 64 and no pooling.
    Query earlier = parse("queries:\n  - id: a\n    question: q\n    pooling: span\n    max_question_len: 64\n").get(0);
    assertThat(earlier.sha256()).isEqualTo(org.corpusqa.digest.Sha256.of("q\n{max_seq_len=384, doc_stride=128,"
        + " max_question_len=64, max_answer_len=15, top_k=1, handle_impossible_answer=false, align_to_words=true,"
        + " null_threshold=null}"));
    assertThat(parse("queries:\n  - id: a\n    question: q\n").get(0).sha256()).isNotEqualTo(earlier.sha256());
    // A classification query computes what it did: its identity is unchanged.
    Query classify = parse("queries:\n  - id: a\n    task: classify\n    question: q\n").get(0);
    assertThat(classify.sha256()).isEqualTo(org.corpusqa.digest.Sha256.of("q\n{max_seq_len=384, doc_stride=128,"
        + " max_question_len=64, max_answer_len=15, top_k=1, handle_impossible_answer=false, align_to_words=true,"
        + " null_threshold=null}\n" + classify.classification().asMap()));
  }

  @Test
  void settingsAreCheckedTogetherWhateverTheirOrder() {
    List<Query> queries = parse("defaults:\n  max_seq_len: 128\n  doc_stride: 32\nqueries:\n  - id: a\n    question: q\n"
        + "  - id: b\n    question: q\n    doc_stride: 16\n");
    assertThat(queries.get(0).settings().maxSeqLen()).isEqualTo(128);
    assertThat(queries.get(0).settings().docStride()).isEqualTo(32);
    assertThat(queries.get(1).settings().docStride()).isEqualTo(16);
    // A default that only works with each query's override is fine too.
    List<Query> overridden = parse("defaults:\n  max_seq_len: 128\nqueries:\n  - id: a\n    question: q\n    doc_stride: 32\n");
    assertThat(overridden.get(0).settings().docStride()).isEqualTo(32);
  }

  @Test
  void nullThresholdIsAProbability() {
    List<Query> queries = parse("queries:\n  - id: a\n    question: q\n    null_threshold: 0.25\n");
    assertThat(queries.get(0).settings().nullThreshold()).isEqualTo(0.25);
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    null_threshold: 1.5\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set null_threshold: must be a"
            + " probability between 0 and 1, got: 1.5");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    null_threshold: high\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set null_threshold: must be a"
            + " probability between 0 and 1, got: high");
  }

  @Test
  void noQueries() {
    assertThatThrownBy(() -> parse("defaults:\n  top_k: 2\n"))
        .hasMessage("Cannot read queries file q.yaml: line 1: no queries; add a list 'queries:' of {id, question}");
  }

  @Test
  void emptyFile() {
    assertThatThrownBy(() -> parse(""))
        .hasMessage("Cannot read queries file q.yaml: it is empty; list your questions under 'queries:'");
  }

  @Test
  void queriesNotAList() {
    assertThatThrownBy(() -> parse("queries:\n  id: a\n"))
        .hasMessage("Cannot read queries file q.yaml: line 2: 'queries' must be a list of {id, question}");
  }

  @Test
  void notYaml() {
    assertThatThrownBy(() -> parse("queries: [\n"))
        .hasMessageStartingWith("Cannot read queries file q.yaml: not valid YAML: ");
  }

  @Test
  void missingFile() {
    Path missing = Paths.get("no/such/queries.yaml");
    assertThatThrownBy(() -> QueriesFile.read(missing))
        .hasMessage("Cannot read queries file no/such/queries.yaml: no such file");
  }

  @Test
  void prefilterInDefaultsAndPerQuery() {
    List<Query> queries = parse(String.join("\n",
        "defaults:",
        "  prefilter:",
        "    top_windows: 3",
        "    method: bm25",
        "queries:",
        "  - id: a",
        "    question: цена",
        "  - id: b",
        "    question: срок",
        "    prefilter: {top_windows: 8, min_windows: 2}",
        "  - id: c",
        "    question: штраф",
        "    prefilter: false",
        ""));
    assertThat(queries).extracting(Query::prefilter)
        .containsExactly(new Prefilter(3, 1), new Prefilter(8, 2), Prefilter.OFF);
  }

  @Test
  void badPrefilters() {
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    prefilter: {method: tfidf}\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set prefilter method: the one method is bm25,"
            + " got: tfidf");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    prefilter: {top_windows: 2,"
        + " min_windows: 3}\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: Cannot set prefilter min_windows: must be between 0 and"
            + " top_windows (2), got: 3");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    prefilter: {top: 2}\n"))
        .hasMessage("Cannot read queries file q.yaml: line 4: unknown key 'top'; use top_windows, min_windows, method");
    assertThatThrownBy(() -> parse("queries:\n  - id: a\n    question: q\n    prefilter: {top_windows: 0}\n"))
        .hasMessageContaining("Cannot set prefilter top_windows: must be an integer between 1 and 10000, got: 0");
  }
}
