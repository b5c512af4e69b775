package org.corpusqa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
  @TempDir Path tmp;

  @Test
  void readsTheInterfaceOfExportedGraphs() {
    assertThat(OnnxGraph.read(SharedData.hfFixture("qa-bert").resolve("model.onnx")))
        .isEqualTo(new OnnxGraph(java.util.List.of("input_ids", "attention_mask", "token_type_ids"),
            java.util.List.of("start_logits", "end_logits"), java.util.List.of()));
    assertThat(OnnxGraph.read(TestModels.MODELS.resolve("tiny-distilbert-onnx/model.onnx")).inputs())
        .containsExactly("input_ids", "attention_mask");
  }

  /**
   * A hand-written graph as older exporters and large models write them: weights listed among the
   * inputs, and stored in an external file; unknown fields and wire types skipped.
   */
  @Test
  void leavesWeightsOutOfTheInputsAndFindsExternalData() throws IOException {
    Path file = tmp.resolve("model.onnx");
    Files.write(file, model(
        input("input_ids"), input("attention_mask"), input("embeddings.weight"),
        initializer("embeddings.weight", "model.onnx_data"), initializer("bias", "model.onnx_data"),
        field(12, valueInfo("start_logits"))));
    assertThat(OnnxGraph.read(file)).isEqualTo(new OnnxGraph(java.util.List.of("input_ids", "attention_mask"),
        java.util.List.of("start_logits"), java.util.List.of("model.onnx_data")));
  }

  @Test
  void refusesFilesThatAreNotOnnx() throws IOException {
    Path file = tmp.resolve("model.onnx");
    Files.writeString(file, "<html>not found</html>");
    assertThatThrownBy(() -> OnnxGraph.read(file))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith("Cannot load model " + tmp + ": model.onnx is not an ONNX model (")
        .hasMessageEndingWith("); export it again with tools/export-hf-model.py --format onnx");
  }

  // A minimal protobuf writer for the fields OnnxGraph reads.

  static byte[] model(byte[]... graphFields) {
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    for (byte[] f : graphFields) {
      graph.writeBytes(f);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varintField(1, 8)); // ir_version
    out.writeBytes(field(2, "pytorch".getBytes(StandardCharsets.UTF_8))); // producer_name
    out.writeBytes(fixed64Field(99)); // a field this reader never heard of
    out.writeBytes(field(7, graph.toByteArray()));
    return out.toByteArray();
  }

  static byte[] input(String name) {
    return field(11, valueInfo(name));
  }

  static byte[] valueInfo(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(field(1, name.getBytes(StandardCharsets.UTF_8)));
    out.writeBytes(field(2, new byte[] {8, 7})); // type: skipped
    return out.toByteArray();
  }

  static byte[] initializer(String name, String location) {
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    tensor.writeBytes(varintField(1, 2)); // dims
    tensor.writeBytes(field(8, name.getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    entry.writeBytes(field(1, "location".getBytes(StandardCharsets.UTF_8)));
    entry.writeBytes(field(2, location.getBytes(StandardCharsets.UTF_8)));
    tensor.writeBytes(field(13, entry.toByteArray()));
    tensor.writeBytes(varintField(14, 1)); // data_location: EXTERNAL
    return field(5, tensor.toByteArray());
  }

  static byte[] field(int number, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varint((number << 3) | 2));
    out.writeBytes(varint(value.length));
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] varintField(int number, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varint(number << 3));
    out.writeBytes(varint(value));
    return out.toByteArray();
  }

  private static byte[] fixed64Field(int number) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varint((number << 3) | 1));
    out.writeBytes(new byte[8]);
    return out.toByteArray();
  }

  private static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }
}
