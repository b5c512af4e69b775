package org.corpusqa.qa;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the engine's helper threads, whose failures read as if the work had run inline. */
final class Futures {
  private Futures() {}

  /**
   * The future's value; its task's own exception when it failed (so that out-of-memory, model and
   * tokenizer failures are handled as without the thread).
   *
   * @param what what was waited for, in the message of an interruption
   */
  static <T> T get(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(what + " failed", e.getCause());
    }
  }
}
