package org.corpusqa.io;

import java.io.Serializable;

/** An input file that could not be read at all: listed in quarantine by path, never dropped. */
public record UnreadableFile(String path, String errorClass, String detail) implements Serializable {}
