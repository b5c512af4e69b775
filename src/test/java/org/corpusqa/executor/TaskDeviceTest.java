package org.corpusqa.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class TaskDeviceTest {
  @Test
  void aTaskUsesTheGpuSparkAssignedIt() {
    assertThat(TaskDevice.fromAddresses(new String[] {"3"})).isEqualTo(Device.gpu(3));
    assertThat(TaskDevice.fromAddresses(new String[] {"1", "2"})).isEqualTo(Device.gpu(1));
  }

  @Test
  void noGpuResourceMeansTheCpu() {
    assertThat(TaskDevice.fromAddresses(new String[0])).isEqualTo(Device.cpu());
    assertThat(TaskDevice.of(null)).isEqualTo(Device.cpu());
  }

  @Test
  void addressesMustBeCudaIndexes() {
    assertThatThrownBy(() -> TaskDevice.fromAddresses(new String[] {"GPU-5f1e0c7a"}))
        .hasMessage("Cannot use GPU address 'GPU-5f1e0c7a': corpus-qa needs CUDA device indexes; make the GPU"
            + " discovery script print them, as conf/gpu-discovery.sh does");
  }
}
