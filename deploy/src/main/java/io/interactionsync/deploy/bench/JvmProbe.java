package io.interactionsync.deploy.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap and GC of another JVM of the same user, read through its local JMX agent (started with the attach
 * API, no flag on the measured process). One MBean call per sample costs well under a millisecond, unlike a
 * Prometheus scrape of {@code /q/metrics} (all Kafka client metrics rendered, ~50 ms of the measured process).
 */
final class JvmProbe implements AutoCloseable {

    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final List<GarbageCollectorMXBean> collectors = new ArrayList<>();

    private JvmProbe(JMXConnector connector) throws IOException {
        this.connector = connector;
        MBeanServerConnection server = connector.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class);
        try {
            for (ObjectName name : server.queryNames(new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE
                    + ",*"), null)) {
                collectors.add(ManagementFactory.newPlatformMXBeanProxy(server, name.toString(),
                        GarbageCollectorMXBean.class));
            }
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Attaches to {@code pid}; fails while that JVM is still starting (no attach listener yet). */
    static JvmProbe attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            return new JvmProbe(JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } finally {
            vm.detach();
        }
    }

    MemoryUsage heap() {
        return memory.getHeapMemoryUsage();
    }

    /** {@code "G1 Young Generation 38 × 1.72 s, G1 Concurrent GC 2 × 0.01 s"}: collections and their time. */
    String gc() {
        List<String> out = new ArrayList<>();
        for (GarbageCollectorMXBean gc : collectors) {
            out.add(String.format(Locale.ROOT, "%s %d × %.2f s", gc.getName(), gc.getCollectionCount(),
                    gc.getCollectionTime() / 1e3));
        }
        return String.join(", ", out);
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
