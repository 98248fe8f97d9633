package io.tandem.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap settings that keep the launcher's committed heap close to its live heap (docs/performance.md, "Memory per
 * socket and JVM settings"), applied at start so that plain {@code java -jar} gets them: they are HotSpot's
 * manageable flags, settable at run time. A flag given on the command line keeps its value. The images pass the same
 * flags (and {@code MALLOC_ARENA_MAX=2}, which only the environment can set) themselves.
 */
final class HeapSettings {
  private static final Logger LOG = LoggerFactory.getLogger(HeapSettings.class);

  /** Flag → value; applied in this order (the minimum first, so it never exceeds the maximum). */
  static final List<String[]> FLAGS = List.of(
      new String[] {"MinHeapFreeRatio", "10"},
      new String[] {"MaxHeapFreeRatio", "20"},
      new String[] {"G1PeriodicGCInterval", "30000"});

  private HeapSettings() {}

  /** Applies each flag still at its default; a JVM that refuses one (another collector, a conflicting value) keeps its own. */
  static void apply() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    for (String[] flag : FLAGS) {
      try {
        if (vm.getVMOption(flag[0]).getOrigin() == VMOption.Origin.DEFAULT) vm.setVMOption(flag[0], flag[1]);
      } catch (RuntimeException e) {
        LOG.debug("heap setting {}={} not applied: {}", flag[0], flag[1], e.toString());
      }
    }
  }
}
