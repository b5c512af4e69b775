package org.corpusqa.model;

import ai.djl.Device;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per JVM, bundle sha256 and device: every Spark task of an executor shares it,
 * so the model is read and checked once per executor, not once per partition.
 */
public final class ModelCache {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelCache.class);
  private static final Map<String, QaModel> MODELS = new ConcurrentHashMap<>();
  private static volatile int intraOpThreads = Runtime.getRuntime().availableProcessors();

  private ModelCache() {}

  /**
   * Sets the PyTorch engine's defaults before its first use in this JVM: offline (never download
   * native libraries: the CPU one comes from the job jar), no graph-executor profiling (it
   * re-optimises for every new input shape, and window batches vary in length), and the given
   * number of intra-op threads (one Spark task's cores; tasks run side by side).
   */
  public static void configureEngine(int intraOpThreads) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, intraOpThreads)));
    ModelCache.intraOpThreads = Math.max(1, intraOpThreads);
    quietOnnxRuntimeCudaProbe();
  }

  /**
   * DJL's ONNX Runtime engine tries to add CUDA when it starts, whatever device the model is for,
   * and warns "CUDA is not supported" on every CPU machine: expected there, and alarming. corpus-qa
   * runs ONNX models on the CPU only and refuses one on a GPU with an error ({@link QaModel#load}),
   * so that probe's warning says nothing; its logger is raised to ERROR in every JVM that loads a
   * model (executors too, whose logging a cluster configures). Another logging backend than
   * Spark's log4j2 keeps the warning.
   */
  private static void quietOnnxRuntimeCudaProbe() {
    try {
      org.apache.logging.log4j.core.config.Configurator.setLevel(
          "ai.djl.onnxruntime.engine.OrtEngine", org.apache.logging.log4j.Level.ERROR);
    } catch (LinkageError e) {
      LOG.debug("log4j2 core is not the logging backend; ONNX Runtime's CUDA probe may warn", e);
    }
  }

  public static QaModel get(ModelBundle bundle, Device device) {
    return MODELS.computeIfAbsent(
        bundle.sha256() + "@" + device,
        key -> {
          long started = System.nanoTime();
          QaModel model = QaModel.load(bundle, device, intraOpThreads);
          LOG.info("Loaded model {} ({}, {} {}) on {} in JVM {} in {} ms", bundle.manifest().name(), bundle.sha256(),
              bundle.format(), bundle.manifest().precision().key(), device, ProcessHandle.current().pid(),
              (System.nanoTime() - started) / 1_000_000);
          warnOnPrecision(bundle, device);
          return model;
        });
  }

  /** The precision that suits a device is the bundle's choice; say when it looks like a slip. */
  private static void warnOnPrecision(ModelBundle bundle, Device device) {
    Precision precision = bundle.manifest().precision();
    if (device.isGpu() && precision == Precision.FP32) {
      LOG.warn("Model {} is fp32 on {}: an fp16 bundle (tools/export-hf-model.py --precision fp16) halves"
          + " the memory per window and uses the tensor cores", bundle.manifest().name(), device);
    } else if (!device.isGpu() && precision == Precision.FP16) {
      LOG.warn("Model {} is fp16 on the CPU, where half precision is slow; use an fp32 or int8 bundle"
          + " for CPU executors", bundle.manifest().name());
    }
  }
}
