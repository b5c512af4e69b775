package org.corpusqa.job;

import java.util.List;
import org.corpusqa.io.InputFormat;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;

/**
 * What {@code run} was asked to do, checked by the command line before the job starts.
 *
 * @param explainDirectory null unless {@code --explain} was given
 */
public record RunOptions(
    String input,
    InputFormat inputFormat,
    String idColumn,
    String textColumn,
    List<Query> queries,
    String modelUri,
    String table,
    String explainDirectory,
    int explainLimit,
    EngineOptions engineOptions) {}
