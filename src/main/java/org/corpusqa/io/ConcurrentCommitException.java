package org.corpusqa.io;

/**
 * A commit to one of corpus-qa's tables that lost a race with another writer's commit, again after
 * every retry: nothing of this commit is in the table, and a rerun of the same command finishes it.
 */
public final class ConcurrentCommitException extends RuntimeException {
  public ConcurrentCommitException(String table, Throwable cause) {
    super("Cannot commit to " + table + ": another run committed to it at the same time; rerun this command to"
        + " finish (incremental mode skips what is done)", cause);
  }
}
