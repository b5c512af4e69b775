package org.corpusqa.job;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
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
 * @param rowQuestionSettings null for {@code run}; for {@code evaluate}, rows carry a third column
 *     of (id, question) structs, all decoded with these settings
 * @param modelSha256 the bundle's identity as the driver computed it; executors check their copy
 * @param explainDirectory null unless {@code --explain} was given
 * @param explainDocIds the documents whose windows are explained
 */
record AnswerTask(
    String modelUri,
    String modelSha256,
    String modelName,
    List<Query> queries,
    DecodingSettings rowQuestionSettings,
    EngineOptions engineOptions,
    String runId,
    long processedAtMicros,
    String explainDirectory,
    Set<String> explainDocIds,
    HadoopConf hadoopConf)
    implements Serializable {}
