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
 */
public record OnnxGraph(List<String> inputs, List<String> outputs, List<String> externalData) {
  // Field numbers of onnx.proto3 (ModelProto, GraphProto, ValueInfoProto, TensorProto).
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int VALUE_INFO_NAME = 1;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  /**
   * @throws ModelBundleException when the file is not an ONNX model
   */
  public static OnnxGraph read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Reader reader = new Reader(channel);
      OnnxGraph graph = null;
      while (reader.position() < channel.size()) {
        int tag = reader.varint32();
        if (tag >>> 3 == MODEL_GRAPH && (tag & 7) == 2) {
          long length = reader.varint64();
          graph = readGraph(reader, reader.position() + length);
        } else {
          reader.skip(tag);
        }
      }
      if (graph == null || graph.inputs.isEmpty()) {
        throw new IOException("no graph with inputs found");
      }
      return graph;
    } catch (IOException | RuntimeException e) {
      throw new ModelBundleException(
          "Cannot load model " + file.getParent() + ": " + file.getFileName() + " is not an ONNX model ("
              + e.getMessage() + "); export it again with tools/export-hf-model.py --format onnx", e);
    }
  }

  private static OnnxGraph readGraph(Reader reader, long end) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Set<String> initializers = new LinkedHashSet<>();
    Set<String> externalData = new LinkedHashSet<>();
    while (reader.position() < end) {
      int tag = reader.varint32();
      int field = tag >>> 3;
      if ((tag & 7) != 2 || (field != GRAPH_INPUT && field != GRAPH_OUTPUT && field != GRAPH_INITIALIZER)) {
        reader.skip(tag);
        continue;
      }
      long fieldEnd = reader.varint64() + reader.position();
      if (field == GRAPH_INITIALIZER) {
        readInitializer(reader, fieldEnd, initializers, externalData);
      } else {
        String name = readName(reader, fieldEnd);
        (field == GRAPH_INPUT ? inputs : outputs).add(name);
      }
      reader.seek(fieldEnd);
    }
    inputs.removeAll(initializers);
    return new OnnxGraph(List.copyOf(inputs), List.copyOf(outputs), List.copyOf(externalData));
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

  private static void readInitializer(Reader reader, long end, Set<String> names, Set<String> externalData)
      throws IOException {
    while (reader.position() < end) {
      int tag = reader.varint32();
      int field = tag >>> 3;
      if (field == TENSOR_NAME && (tag & 7) == 2) {
        names.add(reader.string());
      } else if (field == TENSOR_EXTERNAL_DATA && (tag & 7) == 2) {
        long entryEnd = reader.varint64() + reader.position();
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
    private long bufferStart;

    Reader(FileChannel channel) {
      this.channel = channel;
      buffer.limit(0);
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
          throw new EOFException("truncated at byte " + position);
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
        case 2 -> {
          long length = varint64();
          seek(position() + length);
        }
        case 5 -> seek(position() + 4);
        default -> throw new IOException("unexpected wire type " + (tag & 7) + " at byte " + position());
      }
    }
  }
}
