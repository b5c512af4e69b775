package org.corpusqa.executor;

import ai.djl.Device;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a Spark task runs its model on: the GPU that Spark's resource scheduling assigned to
 * the task ({@code spark.task.resource.gpu.amount}), otherwise the CPU. Tasks never pick a GPU
 * themselves: two tasks on one GPU that Spark did not plan for would run it out of memory.
 */
final class TaskDevice {
  static final String GPU = "gpu";

  private TaskDevice() {}

  static Device of(TaskContext context) {
    if (context == null) {
      return Device.cpu();
    }
    scala.Option<ResourceInformation> gpus = context.resources().get(GPU);
    return gpus.isDefined() ? fromAddresses(gpus.get().addresses()) : Device.cpu();
  }

  /**
   * The first assigned address, as a CUDA device index. A task given a share of a GPU (amount below
   * 1) gets that GPU's address too; a task given several uses the first, since one forward pass runs
   * on one device.
   */
  static Device fromAddresses(String[] addresses) {
    if (addresses.length == 0) {
      return Device.cpu();
    }
    String address = addresses[0].strip();
    int index;
    try {
      index = Integer.parseInt(address);
    } catch (NumberFormatException e) {
      index = -1;
    }
    if (index < 0) {
      throw new IllegalArgumentException(
          "Cannot use GPU address '" + address + "': corpus-qa needs CUDA device indexes; make the GPU"
              + " discovery script print them, as conf/gpu-discovery.sh does");
    }
    return Device.gpu(index);
  }
}
