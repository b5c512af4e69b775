package org.corpusqa.qa;

/**
 * A forward pass with hand-set logits, for decoding tests: every logit is -5 except those the
 * script sets, addressed by the document token a window position holds (so the same token gets the
 * same logits in every window that contains it), and the null position 0.
 */
final class ScriptedForwardPass implements ForwardPass {
  interface Script {
    /** Logit for a context token, or NaN to keep the background value. */
    double start(String docId, int token);

    double end(String docId, int token);

    /** Logit of position 0 (the CLS / null position) in the given window. */
    default double nullLogit(String docId, int window) {
      return 0;
    }
  }

  static final float BACKGROUND = -5f;
  private final Script script;
  int batches;

  ScriptedForwardPass(Script script) {
    this.script = script;
  }

  @Override
  public BatchLogits forward(WindowBatch batch) {
    batches++;
    int length = batch.paddedLength();
    float[] start = new float[batch.rows() * length];
    float[] end = new float[batch.rows() * length];
    java.util.Arrays.fill(start, BACKGROUND);
    java.util.Arrays.fill(end, BACKGROUND);
    for (int row = 0; row < batch.rows(); row++) {
      Window w = batch.windows().get(row);
      String docId = w.work().document().id();
      int offset = row * length;
      start[offset] = end[offset] = (float) script.nullLogit(docId, w.index());
      // Question and special tokens get high logits: decoding must mask them.
      for (int i = 1; i < w.contextStart(); i++) {
        start[offset + i] = end[offset + i] = 20f;
      }
      for (int i = 0; i < w.contextTo() - w.contextFrom(); i++) {
        int token = w.contextFrom() + i;
        double s = script.start(docId, token);
        double e = script.end(docId, token);
        if (!Double.isNaN(s)) {
          start[offset + w.contextStart() + i] = (float) s;
        }
        if (!Double.isNaN(e)) {
          end[offset + w.contextStart() + i] = (float) e;
        }
      }
    }
    return new BatchLogits(start, end);
  }

  @Override
  public void close() {}
}
