package org.corpusqa.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.qa.Query;

/**
 * The (document, query) pairs an incremental run still has to do against one output table: those
 * the table does not hold for this exact text ({@code text_sha256}) and this exact query ({@code
 * query_sha256}). Shared by the answers and the labels tables, which differ only in which of their
 * rows count as done.
 */
final class PendingPairs {
  private PendingPairs() {}

  /**
   * The documents with the ids of their queries still to do ({@link CorpusSource#QUERY_IDS}); a
   * document with none is left out.
   *
   * @param done the table's rows that count as done, with {@code doc_id}, {@code query_id}, {@code
   *     query_sha256} and {@code text_sha256}
   */
  static Dataset<Row> of(SparkSession spark, Dataset<Row> documents, List<Query> queries, Dataset<Row> done) {
    List<Row> ids = new ArrayList<>();
    for (Query q : queries) {
      ids.add(RowFactory.create(q.id(), q.sha256()));
    }
    Dataset<Row> asked = spark.createDataFrame(ids, new StructType().add("query_id", DataTypes.StringType, false)
        .add("query_sha256", DataTypes.StringType, false));
    Dataset<Row> todo =
        documents.select(col(CorpusSource.DOC_ID), col(RecordTriage.TEXT_SHA256)).crossJoin(asked)
            .join(done.select(col("doc_id"), col("query_id"), col("query_sha256"), col("text_sha256")),
                AnswersTable.seq(CorpusSource.DOC_ID, "query_id", "query_sha256", RecordTriage.TEXT_SHA256),
                "left_anti")
            .groupBy(col(CorpusSource.DOC_ID))
            .agg(collect_list(col("query_id")).as(CorpusSource.QUERY_IDS));
    return documents.join(todo, CorpusSource.DOC_ID)
        .select(col(CorpusSource.DOC_ID), col(CorpusSource.TEXT), col(RecordTriage.TEXT_SHA256),
            col(CorpusSource.QUERY_IDS));
  }
}
