package org.corpusqa.bench;

import ai.djl.Device;
import org.apache.hadoop.conf.Configuration;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;

/**
 * The models a bench measures: the model as opened from its bundle and, when given, its fp32
 * TorchScript reference ({@code null} otherwise), both on the CPU.
 */
public record BenchModels(ModelBundle bundle, QaModel model, QaModel reference) {

  /** @param task what the bench's queries need: a question-answering or a classification model */
  public static BenchModels load(String modelUri, String referenceUri, Configuration hadoop, ModelTask task) {
    // One intra-op thread per worker, as in a Spark task with spark.task.cpus=1; set before the
    // first model loads, since PyTorch takes its thread count once per JVM.
    ModelCache.configureEngine(1);
    ModelBundle bundle = open(modelUri, hadoop, task);
    QaModel model = ModelCache.get(bundle, Device.cpu());
    QaModel reference =
        referenceUri == null ? null : ModelCache.get(open(referenceUri, hadoop, task), Device.cpu());
    return new BenchModels(bundle, model, reference);
  }

  /** Whether the models label documents (classification) instead of answering questions. */
  public boolean classifies() {
    return bundle.manifest().task() == ModelTask.TEXT_CLASSIFICATION;
  }

  /**
   * The model the naive baseline runs: the reference when there is one, since the user's
   * alternative is the stock translator on the model as published (fp32).
   */
  QaModel baselineModel() {
    return reference == null ? model : reference;
  }

  private static ModelBundle open(String uri, Configuration hadoop, ModelTask task) {
    return ModelBundle.open(BundleLocator.localDirectory(uri, hadoop), task);
  }
}
