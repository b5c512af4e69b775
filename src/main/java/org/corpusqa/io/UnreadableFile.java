package org.corpusqa.io;

import java.io.Serializable;

/**
 * An input file that is left out of the read: one that cannot be read at all
 * ({@link QuarantineReason#UNREADABLE_FILE}), or whose id or text column has another type than the
 * input's ({@link QuarantineReason#SCHEMA_MISMATCH}). Listed in quarantine by path, never dropped.
 *
 * @param errorClass the exception that opening the file threw; null for a schema mismatch
 */
public record UnreadableFile(String path, QuarantineReason reason, String errorClass, String detail)
    implements Serializable {}
