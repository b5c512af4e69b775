package org.corpusqa.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.corpusqa.digest.Sha256;

/**
 * A model in a local directory, in one of two layouts: a corpus-qa bundle ({@code model.pt} or
 * {@code model.onnx}, {@code tokenizer.json} and {@code corpusqa-model.json}) or a Hugging Face /
 * Optimum folder as the user has it ({@code config.json}, {@code tokenizer.json} and
 * {@code model.onnx}, {@code onnx/model.onnx} or {@code model.pt}; see {@link HuggingFaceFolder}).
 * A {@code corpusqa-model.json}, where present, wins. Its identity is {@link #sha256()}.
 */
public final class ModelBundle {
  public static final String TOKENIZER_FILE = "tokenizer.json";
  private static final String LAYOUT =
      "a bundle holds model.pt (or model.onnx), tokenizer.json and corpusqa-model.json;"
          + " tools/export-hf-model.py writes all three";

  /** How the directory describes its model. */
  public enum Layout {
    /** {@code corpusqa-model.json} says what the model is. */
    BUNDLE,
    /** No manifest: {@code config.json}, the tokenizer and the graph say it. */
    HUGGING_FACE
  }

  private final Path directory;
  private final Layout layout;
  private final ModelManifest manifest;
  private final ModelFormat format;
  private final Path modelFile;
  private final String sha256;

  ModelBundle(Path directory, Layout layout, ModelManifest manifest, ModelFormat format, Path modelFile, String sha256) {
    this.directory = directory;
    this.layout = layout;
    this.manifest = manifest;
    this.format = format;
    this.modelFile = modelFile;
    this.sha256 = sha256;
  }

  /**
   * Checks the layout and what describes the model, and computes the sha256; loads no model, so
   * every mistake in a folder is found before any data is read.
   */
  public static ModelBundle open(Path directory) {
    return open(directory, ModelTask.QUESTION_ANSWERING);
  }

  /**
   * {@link #open(Path)} for a model of whichever task it says it is (its manifest's {@code task}, or
   * the {@code architectures} of its {@code config.json}): for callers that choose what to do by
   * the task, as a run with both answer and classify queries does.
   */
  public static ModelBundle openAnyTask(Path directory) {
    return open(directory, null);
  }

  /** {@link #open(Path)} for a model of the given task (null: any): another task's model is refused. */
  public static ModelBundle open(Path directory, ModelTask task) {
    if (!Files.isDirectory(directory)) {
      throw new ModelBundleException(
          "Cannot load model bundle: " + directory + " is not a directory; " + LAYOUT
              + "; a Hugging Face folder (config.json, tokenizer.json, model.onnx) loads as it is");
    }
    if (!Files.exists(directory.resolve(ModelManifest.FILE_NAME))
        && Files.exists(directory.resolve(HuggingFaceFolder.CONFIG_FILE))) {
      return HuggingFaceFolder.open(directory, task);
    }
    for (String file : List.of(ModelManifest.FILE_NAME, TOKENIZER_FILE)) {
      if (!Files.isRegularFile(directory.resolve(file))) {
        throw new ModelBundleException(
            "Cannot load model bundle " + directory + ": missing " + file + "; " + LAYOUT
                + (file.equals(ModelManifest.FILE_NAME)
                    ? "; a Hugging Face folder needs config.json instead of corpusqa-model.json"
                    : ""));
      }
    }
    ModelFormat format = formatOf(directory);
    ModelManifest manifest = ModelManifest.read(directory.resolve(ModelManifest.FILE_NAME));
    if (task != null && manifest.task() != task) {
      throw new ModelBundleException("Cannot load model bundle " + directory + ": its corpusqa-model.json says task "
          + manifest.task().key() + ", but a " + task.key() + " model is needed here; export an " + task.autoClass());
    }
    return new ModelBundle(directory, Layout.BUNDLE, manifest, format, directory.resolve(format.fileName()),
        sha256Of(directory, allFiles(directory)));
  }

  /** Exactly one model file: two would leave it unclear which one the answers came from. */
  private static ModelFormat formatOf(Path directory) {
    List<ModelFormat> present =
        java.util.Arrays.stream(ModelFormat.values())
            .filter(f -> Files.isRegularFile(directory.resolve(f.fileName())))
            .toList();
    if (present.isEmpty()) {
      throw new ModelBundleException(
          "Cannot load model bundle " + directory + ": missing model.pt or model.onnx; " + LAYOUT);
    }
    if (present.size() > 1) {
      throw new ModelBundleException(
          "Cannot load model bundle " + directory + ": it holds both model.pt and model.onnx; keep the"
              + " one to run and move the other to a bundle of its own");
    }
    return present.get(0);
  }

  public Path directory() {
    return directory;
  }

  public ModelManifest manifest() {
    return manifest;
  }

  public String sha256() {
    return sha256;
  }

  public ModelFormat format() {
    return format;
  }

  public Layout layout() {
    return layout;
  }

  /** The file the network is loaded from: {@code model.pt}, {@code model.onnx} or {@code onnx/model.onnx}. */
  public Path modelFile() {
    return modelFile;
  }

  /**
   * The sha256 of the lines {@code "<file sha256>  <relative path>\n"} for the given files of the
   * directory, sorted by path. A bundle hashes every file (hidden files such as Hadoop's {@code .crc}
   * left out): the same as {@code find . -type f ! -name '.*' -printf '%P\n' | LC_ALL=C sort |
   * xargs -d '\n' sha256sum | sha256sum} run in the bundle directory, so anyone can check it with
   * coreutils. A Hugging Face folder hashes the files the model uses, since such folders often hold
   * other formats' weights too (see {@link HuggingFaceFolder}).
   */
  static String sha256Of(Path directory, List<Path> files) {
    try {
      List<Path> sorted =
          files.stream().sorted((a, b) -> compareBytes(relative(directory, a), relative(directory, b))).toList();
      StringBuilder listing = new StringBuilder();
      for (Path file : sorted) {
        listing.append(Sha256.ofFile(file)).append("  ").append(relative(directory, file)).append('\n');
      }
      return Sha256.of(listing.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot hash model " + directory, e);
    }
  }

  private static List<Path> allFiles(Path directory) {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list model bundle " + directory, e);
    }
  }

  private static String relative(Path directory, Path file) {
    return directory.relativize(file).toString();
  }

  /** Byte order of UTF-8, which is what {@code LC_ALL=C sort} uses. */
  private static int compareBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
