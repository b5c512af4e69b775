package org.corpusqa.io;

import org.corpusqa.qa.Failure;

/** Why a record, or one (document, question) of it, is in the quarantine table. */
public enum QuarantineReason {
  /** The record has no document id, so no answer row could be keyed. */
  MISSING_DOC_ID,
  /** The same document id comes with different texts in one input; none of them is answered. */
  CONFLICTING_DUPLICATE_ID,
  /** The text is null, empty, or only whitespace. */
  EMPTY_TEXT,
  /** The text is longer than {@code --max-text-chars}. */
  TEXT_TOO_LARGE,
  /** The tokenizer failed on the text. */
  TOKENIZATION_FAILED,
  /** The model failed on a window of this (document, question), even alone. */
  MODEL_FAILED,
  /** The reader could not parse the record (JSON or CSV, Spark's PERMISSIVE mode). */
  MALFORMED_RECORD,
  /** The text is not valid in its encoding (UTF-8 for Spark's strings): it would be read as other characters. */
  INVALID_ENCODING,
  /** A whole input file could not be read (a corrupt or truncated Parquet or ORC file). */
  UNREADABLE_FILE,
  /** A Parquet or ORC file whose id or text column has another type than the input's (a binary text, say). */
  SCHEMA_MISMATCH;

  /** The reason for a (document, question) the engine failed on; the switch fails to compile when a kind is added. */
  public static QuarantineReason of(Failure.Kind kind) {
    return switch (kind) {
      case TOKENIZATION_FAILED -> TOKENIZATION_FAILED;
      case MODEL_FAILED -> MODEL_FAILED;
    };
  }
}
