package io.tandem.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapSettingsTest {
  @Test
  void theHeapFlagsAreAppliedAtStart() {
    HeapSettings.apply();
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    for (String[] flag : HeapSettings.FLAGS) {
      // a flag this test JVM was started with keeps its value; the others now have the launcher's
      var option = vm.getVMOption(flag[0]);
      if (option.getOrigin() != com.sun.management.VMOption.Origin.VM_CREATION) assertEquals(flag[1], option.getValue(), flag[0]);
    }
  }
}
