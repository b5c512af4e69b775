package org.corpusqa.testing;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;

/** The committed tiny models and helpers to make broken copies of them. */
public final class TestModels {
  public static final Path MODELS = Paths.get("src/test/resources/models").toAbsolutePath();
  public static final Path TINY_BERT = MODELS.resolve("tiny-bert");
  public static final Path TINY_DISTILBERT = MODELS.resolve("tiny-distilbert");
  public static final Path BAD_OUTPUTS = MODELS.resolve("bad-outputs");

  static {
    ModelCache.configureEngine(1);
  }

  private TestModels() {}

  public static QaModel load(Path bundle) {
    return ModelCache.get(ModelBundle.open(bundle), Device.cpu());
  }

  /** Copies a bundle directory into {@code target}, for tests that break one file of it. */
  public static Path copy(Path bundle, Path target) {
    try (Stream<Path> files = Files.list(bundle)) {
      Files.createDirectories(target);
      for (Path file : files.toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
