package org.corpusqa.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model bundle in a local directory: {@code model.pt} (TorchScript) or {@code model.onnx},
 * {@code tokenizer.json} and {@code corpusqa-model.json}. Its identity is {@link #sha256()}.
 */
public final class ModelBundle {
  public static final String TOKENIZER_FILE = "tokenizer.json";
  private static final String LAYOUT =
      "a bundle holds model.pt (or model.onnx), tokenizer.json and corpusqa-model.json;"
          + " tools/export-hf-model.py writes all three";

  private final Path directory;
  private final ModelManifest manifest;
  private final ModelFormat format;
  private final String sha256;

  private ModelBundle(Path directory, ModelManifest manifest, ModelFormat format, String sha256) {
    this.directory = directory;
    this.manifest = manifest;
    this.format = format;
    this.sha256 = sha256;
  }

  /** Checks the layout and the manifest and computes the sha256; loads no model. */
  public static ModelBundle open(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new ModelBundleException(
          "Cannot load model bundle: " + directory + " is not a directory; " + LAYOUT);
    }
    for (String file : List.of(ModelManifest.FILE_NAME, TOKENIZER_FILE)) {
      if (!Files.isRegularFile(directory.resolve(file))) {
        throw new ModelBundleException(
            "Cannot load model bundle " + directory + ": missing " + file + "; " + LAYOUT);
      }
    }
    ModelFormat format = formatOf(directory);
    ModelManifest manifest = ModelManifest.read(directory.resolve(ModelManifest.FILE_NAME));
    return new ModelBundle(directory, manifest, format, sha256Of(directory));
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

  public Path modelFile() {
    return directory.resolve(format.fileName());
  }

  /**
   * The sha256 of the lines {@code "<file sha256>  <relative path>\n"} for every file of the bundle
   * (hidden files such as Hadoop's {@code .crc} left out), sorted by path: the same as
   * {@code find . -type f ! -name '.*' -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum |
   * sha256sum} run in the bundle directory, so anyone can check it with coreutils.
   */
  static String sha256Of(Path directory) {
    try (Stream<Path> walk = Files.walk(directory)) {
      List<Path> files =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted((a, b) -> compareBytes(relative(directory, a), relative(directory, b)))
              .toList();
      MessageDigest listing = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        String line = fileSha256(file) + "  " + relative(directory, file) + "\n";
        listing.update(line.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(listing.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot hash model bundle " + directory, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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

  private static String fileSha256(Path file) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
