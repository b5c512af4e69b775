package org.corpusqa.model;

/** How a bundle's network is stored, which decides the DJL engine that runs it. */
public enum ModelFormat {
  /** {@code model.pt}, traced TorchScript: DJL's PyTorch engine, on CPU or a GPU. */
  TORCHSCRIPT("model.pt", "PyTorch", "a TorchScript model that this PyTorch can load"),
  /** {@code model.onnx}: DJL's ONNX Runtime engine, on CPU (the ONNX Runtime jar in the job is CPU-only). */
  ONNX("model.onnx", "OnnxRuntime", "an ONNX model that this ONNX Runtime can load");

  private final String fileName;
  private final String engineName;
  private final String expected;

  ModelFormat(String fileName, String engineName, String expected) {
    this.fileName = fileName;
    this.engineName = engineName;
    this.expected = expected;
  }

  public String fileName() {
    return fileName;
  }

  /** The DJL engine name. */
  public String engineName() {
    return engineName;
  }

  /** What the file must be, for error messages. */
  String expected() {
    return expected;
  }
}
