package org.corpusqa.qa;

import java.util.Locale;

/** Recognises a device (GPU, or native CPU allocator) running out of memory in a forward pass. */
final class OutOfMemory {
  private OutOfMemory() {}

  /**
   * PyTorch reports "CUDA out of memory. Tried to allocate ..." (c10::OutOfMemoryError) and ONNX
   * Runtime "Failed to allocate memory"; DJL wraps both in an EngineException or TranslateException,
   * so the whole cause chain is searched. A Java heap OutOfMemoryError is an Error and is not caught.
   */
  static boolean isDeviceOutOfMemory(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("out of memory") || message.contains("failed to allocate memory")
          || t.getClass().getSimpleName().contains("OutOfMemory")) {
        return true;
      }
    }
    return false;
  }
}
