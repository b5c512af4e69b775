package org.corpusqa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
  @TempDir Path tmp;

  @Test
  void readsTheInterfaceOfExportedGraphs() {
    Path bert = SharedData.hfFixture("qa-bert");
    OnnxGraph graph = OnnxGraph.read(bert, bert.resolve("model.onnx"));
    assertThat(graph.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
    assertThat(graph.outputs()).containsExactly("start_logits", "end_logits");
    assertThat(graph.externalData()).isEmpty();
    assertThat(graph.precision()).isEqualTo(Precision.FP32);
    Path int8 = TestModels.MODELS.resolve("tiny-distilbert-onnx-int8");
    assertThat(OnnxGraph.read(int8, int8.resolve("model.onnx")).precision()).isEqualTo(Precision.INT8);
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
    OnnxGraph graph = OnnxGraph.read(tmp, file);
    assertThat(graph.inputs()).containsExactly("input_ids", "attention_mask");
    assertThat(graph.outputs()).containsExactly("start_logits");
    assertThat(graph.externalData()).containsExactly("model.onnx_data");
    assertThat(graph.precision()).isEqualTo(Precision.FP16);
  }

  @Test
  void refusesFilesThatAreNotOnnx() throws IOException {
    Path file = Files.createDirectories(tmp.resolve("onnx")).resolve("model.onnx");
    Files.writeString(file, "<html>not found</html>");
    assertThatThrownBy(() -> OnnxGraph.read(tmp, file))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith("Cannot load model folder " + tmp + ": onnx/model.onnx is not an ONNX model (")
        .hasMessageEndingWith("); export it again with tools/export-hf-model.py --format onnx");
  }

  /** A corrupt length must end the read with an error, never seek backwards into a loop. */
  @Test
  void refusesCorruptLengths() throws IOException {
    Path file = tmp.resolve("model.onnx");
    byte[] negative = {(byte) ((2 << 3) | 2), (byte) 0xf5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    for (byte[] bytes : List.of(negative, field(7, new byte[40]), java.util.Arrays.copyOf(field(7, field(11,
        valueInfo("input_ids"))), 9))) {
      Files.write(file, bytes);
      assertThatThrownBy(() -> OnnxGraph.read(tmp, file))
          .isInstanceOf(ModelBundleException.class)
          .hasMessageContaining("model.onnx is not an ONNX model (");
    }
  }

  @Test
  void namesAGitLfsPointer() throws IOException {
    Path file = tmp.resolve("model.onnx");
    Files.writeString(file, "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 265470032\n");
    assertThatThrownBy(() -> OnnxGraph.read(tmp, file))
        .hasMessage("Cannot load model folder " + tmp + ": model.onnx is a Git LFS pointer, not the model; fetch"
            + " the weights with git lfs pull (or download the file itself)");
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
    tensor.writeBytes(varintField(2, 10)); // data_type: FLOAT16
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
