package org.corpusqa.model;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an ONNX file says about its graph's interface, read straight from the protobuf without
 * loading the model: the names of its inputs and outputs and the external data files its weights
 * live in. Reading it costs a few hundred small reads whatever the file's size (weights are
 * skipped), so a folder's configuration is checked before any model loads.
 *
 * @param inputs the graph's inputs in order, without initializers (older exporters list weights
 *     among the inputs too)
 * @param outputs the graph's outputs in order
 * @param externalData the files, relative to the model file's folder, that hold weights stored
 *     outside it (models over 2 GB), in order of first use
 * @param weightTypes the element types of the weights (ONNX TensorProto data types), which tell
 *     the precision an export was written in
 */
public record OnnxGraph(List<String> inputs, List<String> outputs, List<String> externalData, Set<Integer> weightTypes) {
  // Field numbers of onnx.proto3 (ModelProto, GraphProto, ValueInfoProto, TensorProto).
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int VALUE_INFO_NAME = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  // TensorProto.DataType values.
  private static final int UINT8 = 2;
  private static final int INT8 = 3;
  private static final int FLOAT16 = 10;
  private static final byte[] GIT_LFS_POINTER = "version https://git-lfs".getBytes(StandardCharsets.US_ASCII);

  /**
   * @param folder the model folder, named in errors
   * @throws ModelBundleException when the file is not an ONNX model
   */
  public static OnnxGraph read(Path folder, Path file) {
    String what = "Cannot load model folder " + folder + ": " + folder.relativize(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(GIT_LFS_POINTER.length);
      channel.read(head, 0);
      if (java.util.Arrays.equals(head.array(), GIT_LFS_POINTER)) {
        throw new ModelBundleException(what + " is a Git LFS pointer, not the model; fetch the weights with"
            + " git lfs pull (or download the file itself)");
      }
      Reader reader = new Reader(channel);
      OnnxGraph graph = null;
      while (reader.position() < reader.size) {
        int tag = reader.varint32();
        if (tag >>> 3 == MODEL_GRAPH && (tag & 7) == 2) {
          graph = readGraph(reader, reader.end(reader.varint64()));
        } else {
          reader.skip(tag);
        }
      }
      if (graph == null || graph.inputs.isEmpty()) {
        throw new IOException("no graph with inputs found");
      }
      return graph;
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelBundleException bundle) {
        throw bundle;
      }
      throw new ModelBundleException(what + " is not an ONNX model (" + e.getMessage()
          + "); export it again with tools/export-hf-model.py --format onnx", e);
    }
  }

  /**
   * The precision the weights say: fp16 when any is half precision, int8 when any is 8-bit
   * (quantized), fp32 otherwise.
   */
  public Precision precision() {
    if (weightTypes.contains(FLOAT16)) {
      return Precision.FP16;
    }
    return weightTypes.contains(INT8) || weightTypes.contains(UINT8) ? Precision.INT8 : Precision.FP32;
  }

  private static OnnxGraph readGraph(Reader reader, long end) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Set<String> initializers = new LinkedHashSet<>();
    Set<String> externalData = new LinkedHashSet<>();
    Set<Integer> weightTypes = new java.util.TreeSet<>();
    while (reader.position() < end) {
      int tag = reader.varint32();
      int field = tag >>> 3;
      if ((tag & 7) != 2 || (field != GRAPH_INPUT && field != GRAPH_OUTPUT && field != GRAPH_INITIALIZER)) {
        reader.skip(tag);
        continue;
      }
      long fieldEnd = reader.end(reader.varint64());
      if (field == GRAPH_INITIALIZER) {
        readInitializer(reader, fieldEnd, initializers, externalData, weightTypes);
      } else {
        String name = readName(reader, fieldEnd);
        (field == GRAPH_INPUT ? inputs : outputs).add(name);
      }
      reader.seek(fieldEnd);
    }
    inputs.removeAll(initializers);
    return new OnnxGraph(List.copyOf(inputs), List.copyOf(outputs), List.copyOf(externalData), Set.copyOf(weightTypes));
  }

  private static String readName(Reader reader, long end) throws IOException {
    String name = "";
    while (reader.position() < end) {
      int tag = reader.varint32();
      if (tag >>> 3 == VALUE_INFO_NAME && (tag & 7) == 2) {
        name = reader.string();
      } else {
        reader.skip(tag);
      }
    }
    return name;
  }

  private static void readInitializer(
      Reader reader, long end, Set<String> names, Set<String> externalData, Set<Integer> weightTypes)
      throws IOException {
    while (reader.position() < end) {
      int tag = reader.varint32();
      int field = tag >>> 3;
      if (field == TENSOR_DATA_TYPE && (tag & 7) == 0) {
        weightTypes.add((int) reader.varint64());
      } else if (field == TENSOR_NAME && (tag & 7) == 2) {
        names.add(reader.string());
      } else if (field == TENSOR_EXTERNAL_DATA && (tag & 7) == 2) {
        long entryEnd = reader.end(reader.varint64());
        String key = null;
        String value = null;
        while (reader.position() < entryEnd) {
          int entryTag = reader.varint32();
          if (entryTag >>> 3 == ENTRY_KEY && (entryTag & 7) == 2) {
            key = reader.string();
          } else if (entryTag >>> 3 == ENTRY_VALUE && (entryTag & 7) == 2) {
            value = reader.string();
          } else {
            reader.skip(entryTag);
          }
        }
        if ("location".equals(key) && value != null) {
          externalData.add(value);
        }
      } else {
        reader.skip(tag);
      }
    }
  }

  /** A protobuf wire-format reader over a file that seeks past what it does not need. */
  private static final class Reader {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final long size;
    private long bufferStart;

    Reader(FileChannel channel) throws IOException {
      this.channel = channel;
      this.size = channel.size();
      buffer.limit(0);
    }

    /**
     * Where a length-delimited value of {@code length} bytes that starts here ends; a corrupt
     * length (negative, or past the file's end) is an error, never a seek backwards or away.
     */
    long end(long length) throws IOException {
      long end = position() + length;
      if (length < 0 || end > size) {
        throw new IOException("a field of " + length + " bytes at byte " + position() + " runs past the end of"
            + " the file (" + size + " bytes)");
      }
      return end;
    }

    long position() {
      return bufferStart + buffer.position();
    }

    void seek(long position) throws IOException {
      if (position >= bufferStart && position <= bufferStart + buffer.limit()) {
        buffer.position((int) (position - bufferStart));
        return;
      }
      bufferStart = position;
      buffer.clear();
      channel.read(buffer, position);
      buffer.flip();
    }

    private byte next() throws IOException {
      if (!buffer.hasRemaining()) {
        long position = position();
        bufferStart = position;
        buffer.clear();
        int read = channel.read(buffer, position);
        buffer.flip();
        if (read <= 0) {
          throw new EOFException("the file ends at byte " + size + " inside a field");
        }
      }
      return buffer.get();
    }

    long varint64() throws IOException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = next();
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IOException("malformed varint at byte " + position());
    }

    int varint32() throws IOException {
      return (int) varint64();
    }

    String string() throws IOException {
      long length = varint64();
      end(length);
      if (length > 1 << 20) {
        throw new IOException("a name of " + length + " bytes");
      }
      byte[] bytes = new byte[(int) length];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = next();
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Skips the value of a field whose tag was just read. */
    void skip(int tag) throws IOException {
      switch (tag & 7) {
        case 0 -> varint64();
        case 1 -> seek(position() + 8);
        case 2 -> seek(end(varint64()));
        case 5 -> seek(position() + 4);
        default -> throw new IOException("unexpected wire type " + (tag & 7) + " at byte " + position());
      }
    }
  }
}
