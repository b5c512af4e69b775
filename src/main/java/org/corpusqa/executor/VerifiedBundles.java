package org.corpusqa.executor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;

/**
 * The models this executor JVM copied and checked against the driver's identity, so that an
 * executor hashes a model once, not once per task.
 */
final class VerifiedBundles {
  private static final Map<String, ModelBundle> VERIFIED = new ConcurrentHashMap<>();

  private VerifiedBundles() {}

  static ModelBundle get(AnswerTask task) {
    return VERIFIED.computeIfAbsent(task.modelUri() + "#" + task.modelSha256(), key -> verify(task));
  }

  /** A model that changed between the driver's check and this copy would answer under the wrong identity. */
  private static ModelBundle verify(AnswerTask task) {
    ModelBundle bundle = ModelBundle.open(BundleLocator.localDirectory(task.modelUri(), task.hadoopConf().get()),
        task.modelTask());
    if (!bundle.sha256().equals(task.modelSha256())) {
      throw new IllegalStateException(
          "Model bundle " + task.modelUri() + " changed during the run: sha256 " + bundle.sha256()
              + " on this executor, " + task.modelSha256() + " on the driver; rerun the job");
    }
    return bundle;
  }
}
