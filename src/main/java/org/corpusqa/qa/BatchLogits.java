package org.corpusqa.qa;

/** The model's start and end logits for a batch, row-major {@code [rows, paddedLength]}. */
public record BatchLogits(float[] start, float[] end) {}
