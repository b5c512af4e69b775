package org.corpusqa.executor;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.model.ModelTask;
import org.corpusqa.qa.Classification;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.Query;

/**
 * Everything a task needs to answer a partition, and nothing else: it is serialized into every
 * task. Built with {@link #forModel}: {@code set*} required, {@code opt*} optional.
 *
 * @param modelUri where executors find the model
 * @param modelSha256 the model's identity as the driver computed it; executors check their copy
 * @param modelTask what the model computes: spans (rows of the answers table) or labels (rows of the
 *     labels table)
 * @param queries the questions asked of every document ({@code run}); empty when each row brings
 *     its own
 * @param questions where a row's questions come from
 * @param labelledQuestionSettings how labelled (id, question) structs are decoded; null for runs
 * @param labelledQuestionPrefilter the prefilter of labelled questions ({@link Prefilter#OFF} for none)
 * @param labelledQuestionClassification how a classifier labels labelled questions; null for QA
 * @param processedAtMicros the rows' {@code processed_at}: the run's start
 * @param explainDirectory null unless {@code --explain} was given
 * @param explainDocIds the documents whose windows are explained
 * @param faults test-only fault injection, {@link FaultInjection#NONE} in production
 */
public record AnswerTask(
    String modelUri,
    String modelSha256,
    String modelName,
    ModelTask modelTask,
    List<Query> queries,
    Questions questions,
    DecodingSettings labelledQuestionSettings,
    Prefilter labelledQuestionPrefilter,
    Classification labelledQuestionClassification,
    EngineOptions engineOptions,
    String runId,
    long processedAtMicros,
    String explainDirectory,
    Set<String> explainDocIds,
    SerializableConf hadoopConf,
    FaultInjection faults)
    implements Serializable {

  /** Which questions a row is asked. */
  public enum Questions {
    /** Every query of the run. */
    ALL_QUERIES,
    /** The run's queries whose ids the row's {@code query_ids} column lists (incremental runs). */
    QUERY_IDS_PER_ROW,
    /** The (id, question) structs of the row's {@code questions} column (evaluation). */
    LABELLED_PER_ROW
  }

  /** Which model and run wrote the rows, and when. */
  public AnswersTable.Provenance provenance() {
    return new AnswersTable.Provenance(modelName, modelSha256, runId, new Timestamp(processedAtMicros / 1000));
  }

  public static Builder forModel(String modelUri, String modelSha256, String modelName, ModelTask modelTask) {
    return new Builder(modelUri, modelSha256, modelName, modelTask);
  }

  /** Whether the model gives labels (rows of the labels table) rather than spans. */
  public boolean labels() {
    return modelTask == ModelTask.TEXT_CLASSIFICATION;
  }

  /** Builds an {@link AnswerTask}. */
  public static final class Builder {
    private final String modelUri;
    private final String modelSha256;
    private final String modelName;
    private final ModelTask modelTask;
    private List<Query> queries = List.of();
    private Questions questions;
    private DecodingSettings labelledQuestionSettings;
    private Prefilter labelledQuestionPrefilter = Prefilter.OFF;
    private Classification labelledQuestionClassification;
    private EngineOptions engineOptions = EngineOptions.DEFAULTS;
    private String runId;
    private Instant startedAt;
    private String explainDirectory;
    private Set<String> explainDocIds = Set.of();
    private SerializableConf hadoopConf;
    private FaultInjection faults = FaultInjection.NONE;

    private Builder(String modelUri, String modelSha256, String modelName, ModelTask modelTask) {
      this.modelUri = Objects.requireNonNull(modelUri);
      this.modelSha256 = Objects.requireNonNull(modelSha256);
      this.modelName = Objects.requireNonNull(modelName);
      this.modelTask = Objects.requireNonNull(modelTask);
    }

    public Builder setRun(String runId, Instant startedAt) {
      this.runId = runId;
      this.startedAt = startedAt;
      return this;
    }

    public Builder setHadoopConf(SerializableConf hadoopConf) {
      this.hadoopConf = hadoopConf;
      return this;
    }

    /** Asks the run's queries: all of them, or those each row's {@code query_ids} lists. */
    public Builder setQueries(List<Query> queries, Questions questions) {
      if (questions == Questions.LABELLED_PER_ROW) {
        throw new IllegalArgumentException("Labelled questions come with setLabelledQuestions");
      }
      this.queries = List.copyOf(queries);
      this.questions = questions;
      return this;
    }

    /** Asks each row its own labelled questions, decoded with {@code settings}, windows picked by {@code prefilter}. */
    public Builder setLabelledQuestions(DecodingSettings settings, Prefilter prefilter) {
      this.labelledQuestionSettings = settings;
      this.labelledQuestionPrefilter = prefilter;
      this.questions = Questions.LABELLED_PER_ROW;
      return this;
    }

    /** Labels each row's own labelled questions (an empty question: the text alone) as {@code classification} says. */
    public Builder setLabelledClassification(DecodingSettings settings, Classification classification) {
      setLabelledQuestions(settings, Prefilter.OFF);
      this.labelledQuestionClassification = Objects.requireNonNull(classification);
      return this;
    }

    public Builder optEngineOptions(EngineOptions engineOptions) {
      this.engineOptions = engineOptions;
      return this;
    }

    public Builder optExplain(String directory, Set<String> docIds) {
      this.explainDirectory = directory;
      this.explainDocIds = Set.copyOf(docIds);
      return this;
    }

    public Builder optFaults(FaultInjection faults) {
      this.faults = faults;
      return this;
    }

    public AnswerTask build() {
      Objects.requireNonNull(runId, "setRun");
      Objects.requireNonNull(hadoopConf, "setHadoopConf");
      Objects.requireNonNull(questions, "setQueries or setLabelledQuestions");
      return new AnswerTask(modelUri, modelSha256, modelName, modelTask, queries, questions, labelledQuestionSettings,
          labelledQuestionPrefilter, labelledQuestionClassification, engineOptions, runId, startedAt.toEpochMilli() * 1000, explainDirectory, explainDocIds, hadoopConf,
          faults);
    }
  }
}
