package org.corpusqa.job;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;

/**
 * Everything a task needs to answer a partition, and nothing else: it is serialized into every
 * task.
 *
 * @param modelUri where executors find the bundle
 * @param queries the questions asked of every document ({@code run}); empty when each row brings
 *     its own
 * @param perRowQuestions whether rows carry a third column with the questions to ask: query ids
 *     of {@code queries} (incremental runs), or (id, question) structs (evaluation)
 * @param rowQuestionSettings how (id, question) structs are decoded; null for runs
 * @param faults test-only fault injection, {@link FaultInjection#NONE} in production
 * @param modelSha256 the bundle's identity as the driver computed it; executors check their copy
 * @param explainDirectory null unless {@code --explain} was given
 * @param explainDocIds the documents whose windows are explained
 */
record AnswerTask(
    String modelUri,
    String modelSha256,
    String modelName,
    List<Query> queries,
    boolean perRowQuestions,
    DecodingSettings rowQuestionSettings,
    EngineOptions engineOptions,
    String runId,
    long processedAtMicros,
    String explainDirectory,
    Set<String> explainDocIds,
    SerializableConf hadoopConf,
    FaultInjection faults)
    implements Serializable {}
