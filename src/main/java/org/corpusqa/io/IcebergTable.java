package org.corpusqa.io;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of corpus-qa's Iceberg tables: created from its schema when missing, then written either by
 * {@code MERGE INTO} on its key (so reruns and retried tasks never add a row twice) or by appending
 * one row per run. A commit that loses a race with another writer is retried; see {@link #commit}.
 */
public final class IcebergTable {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTable.class);
  /** Attempts of a statement whose commit conflicts with another writer's, before giving up. */
  static final int COMMIT_ATTEMPTS = 4;
  /**
   * Iceberg's own retries of a commit that lost the swap of the table's metadata pointer to another
   * writer (it refreshes, re-checks and commits again, without rewriting data): 4 by default. A run
   * commits up to five times (its runs row twice, quarantine, answers, an interrupted run's row),
   * and a nightly run, backfill chunks and evaluations may all write at once, so the default runs
   * out with a handful of writers; 10, with Iceberg's backoff of 100 ms doubling to 60 s, rides out
   * about ten. A real conflict (both changed the same rows' files) is not retried by Iceberg: see
   * {@link #commit}.
   */
  static final String COMMIT_RETRIES = "'commit.retry.num-retries'='10'";
  /** A column of the MERGE source only: true for a row that deletes its key instead of writing it. */
  private static final String DELETE_FLAG = "corpusqa_delete";

  private final SparkSession spark;
  private final String name;
  private final StructType schema;
  private final String partitionColumn;
  private final List<String> nullSafeKey;
  private final Set<String> columnsAddedLater;

  /**
   * @param partitionColumn null for an unpartitioned table
   * @param key the columns a MERGE matches rows on (null-safe equality); empty for append-only tables
   */
  public IcebergTable(SparkSession spark, String name, StructType schema, String partitionColumn, List<String> key) {
    this(spark, name, schema, partitionColumn, key, Set.of());
  }

  /**
   * @param columnsAddedLater nullable columns that a version after the table's first added: a table
   *     without them gets them; any other missing column is left for the statements to name, since
   *     it means the name points at some other table
   */
  public IcebergTable(SparkSession spark, String name, StructType schema, String partitionColumn, List<String> key,
      Set<String> columnsAddedLater) {
    this.spark = spark;
    this.name = name;
    this.schema = schema;
    this.partitionColumn = partitionColumn;
    this.nullSafeKey = List.copyOf(key);
    this.columnsAddedLater = Set.copyOf(columnsAddedLater);
  }

  /**
   * Creates the table from its schema, or brings a table that an earlier version created up to it:
   * the columns added later are added, and columns that became nullable lose their NOT NULL.
   * Nothing is dropped or narrowed.
   */
  public void createIfMissing() {
    if (name.contains(".")) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + name.substring(0, name.lastIndexOf('.')));
    }
    try {
      spark.sql("CREATE TABLE IF NOT EXISTS " + name + " (" + schema.toDDL() + ") USING iceberg"
          + (partitionColumn == null ? "" : " PARTITIONED BY (" + partitionColumn + ")")
          + " TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='copy-on-write', " + COMMIT_RETRIES + ")");
    } catch (RuntimeException e) {
      // Two runs creating the same table at once: Iceberg's JDBC catalog on PostgreSQL reports the
      // loser's duplicate key as an "Unknown failure", not as "already exists", so IF NOT EXISTS
      // does not cover it. The table the other run created is the one wanted.
      if (!spark.catalog().tableExists(name)) {
        throw e;
      }
      LOG.info("{} was created by a concurrent run", name);
    }
    if (!hasCommitRetries()) {
      spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES (" + COMMIT_RETRIES + ")");
    }
    StructType existing = spark.table(name).schema();
    for (StructField field : schema.fields()) {
      Optional<StructField> found =
          Arrays.stream(existing.fields()).filter(f -> f.name().equals(field.name())).findFirst();
      if (found.isEmpty() && columnsAddedLater.contains(field.name())) {
        spark.sql("ALTER TABLE " + name + " ADD COLUMN " + quoted(field.name()) + " " + field.dataType().sql());
        LOG.info("Added column {} to {}", field.name(), name);
      } else if (found.isPresent() && !found.get().nullable() && field.nullable()) {
        spark.sql("ALTER TABLE " + name + " ALTER COLUMN " + quoted(field.name()) + " DROP NOT NULL");
        LOG.info("Column {} of {} may now be null", field.name(), name);
      }
    }
  }

  /**
   * Refuses to start {@code qa.answers} (and the like) beside a table of the same name at the
   * catalog's root, where versions before namespaces kept their tables: a run would start empty
   * tables and lose the earlier answers' history for incremental runs. The message says how to move
   * the old table. Checked before the model loads; a catalog that has no root tables says so by
   * failing the lookup, which counts as none there.
   */
  public void refuseRootPredecessor() {
    String qualifiedName = name;
    String table = Namespace.tableOf(qualifiedName);
    String old = Namespace.CATALOG + "." + table;
    if (qualifiedName.equals(table) || exists(Namespace.fullyQualified(qualifiedName)) || !exists(old)) {
      return;
    }
    throw new ConfigException("Found " + old + " at the catalog's root, where corpus-qa kept tables before"
        + " namespaces, and no " + qualifiedName + ": move it there first (README, Operations, \"Tables from before"
        + " namespaces\"): jobs/corpus-qa sql \"ALTER TABLE " + old + " RENAME TO " + qualifiedName + "\"; the local"
        + " catalog cannot rename, there: \"CREATE TABLE " + qualifiedName + " USING iceberg"
        + (partitionColumn == null ? "" : " PARTITIONED BY (" + partitionColumn + ")") + " AS SELECT * FROM " + old + "\", then \"DROP TABLE " + old + "\"");
  }

  private boolean exists(String name) {
    try {
      return spark.catalog().tableExists(name);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private boolean hasCommitRetries() {
    return !spark.sql("SHOW TBLPROPERTIES " + name + " ('commit.retry.num-retries')").filter("value = '10'").isEmpty();
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  /** Upserts {@code rows} (with this table's schema) on the key. */
  public void merge(Dataset<Row> rows) {
    merge(rows, null);
  }

  /**
   * Upserts {@code rows} and deletes the rows whose keys {@code deletions} holds (both with this
   * table's schema; {@code deletions} may be null), in one MERGE and so in one commit: a reader sees
   * the table before or after, never a half.
   */
  public void merge(Dataset<Row> rows, Dataset<Row> deletions) {
    if (nullSafeKey.isEmpty()) {
      throw new IllegalStateException(name + " has no key to merge on");
    }
    String view = "corpusqa_merge_source";
    Dataset<Row> source = rows.withColumn(DELETE_FLAG, functions.lit(false));
    if (deletions != null) {
      source = source.unionByName(deletions.withColumn(DELETE_FLAG, functions.lit(true)));
    }
    source.createOrReplaceTempView(view);
    String on = nullSafeKey.stream().map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND "));
    try {
      commit("MERGE INTO " + name + " t USING " + view + " s ON " + on
          + " WHEN MATCHED AND s." + DELETE_FLAG + " THEN DELETE"
          + " WHEN MATCHED THEN UPDATE SET *"
          + " WHEN NOT MATCHED AND NOT s." + DELETE_FLAG + " THEN INSERT *");
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  /** {@code UPDATE} of the rows {@code where} selects; {@code assignments} is the SET list. */
  public void update(String assignments, String where) {
    commit("UPDATE " + name + " SET " + assignments + " WHERE " + where);
  }

  public void append(Row row) {
    try {
      spark.createDataFrame(List.of(row), schema).writeTo(name).append();
    } catch (Exception e) {
      // NoSuchTableException is checked in Scala's eyes only; the table was created first.
      throw new IllegalStateException("Cannot append to " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs a statement that commits to this table. A commit that loses a race (another writer
   * committed since this statement read the table, and Iceberg's own retry of the commit found
   * that the two overlap) is run again from the start: MERGE and UPDATE are idempotent on their
   * key, so the second attempt reads the other writer's rows and writes the same result over them.
   * After {@link #COMMIT_ATTEMPTS} lost races the run stops with a {@link ConcurrentCommitException}.
   */
  private void commit(String statement) {
    for (int attempt = 1; ; attempt++) {
      try {
        spark.sql(statement);
        return;
      } catch (RuntimeException e) {
        if (!lostRace(e)) {
          throw e;
        }
        if (attempt == COMMIT_ATTEMPTS) {
          throw new ConcurrentCommitException(name, e);
        }
        LOG.warn("Commit to {} conflicted with another writer's (attempt {} of {}); trying again", name, attempt,
            COMMIT_ATTEMPTS);
        sleepBeforeRetry(attempt);
      }
    }
  }

  /** Whether Iceberg refused the commit because another writer's commit came first. */
  static boolean lostRace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ValidationException || t instanceof CommitFailedException) {
        return true;
      }
    }
    return false;
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      // Spread the retries of writers that collided, so they do not collide again in step.
      Thread.sleep((long) (250L * attempt * (1 + Math.random())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while retrying a commit", e);
    }
  }
}
