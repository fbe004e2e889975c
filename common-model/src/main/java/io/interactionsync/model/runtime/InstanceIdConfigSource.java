package io.interactionsync.model.runtime;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The default of {@code interaction-sync.instance-id} (env {@code INTERACTION_SYNC_INSTANCE_ID}): this process's
 * stable identity, used as the owner of its job leases and as the prefix of its Kafka consumers' static
 * {@code group.instance.id}. Deployments set it (Kubernetes: the pod name from the downward API; the local stack:
 * {@code <service>-<n>}), so that a restarted replica reclaims its own leases and partitions at once. Unset, it is
 * the host name plus a random suffix: never a value two live processes share (two consumers with one static
 * {@code group.instance.id} fence each other, two pools with one lease owner steal each other's jobs).
 * The lowest ordinal: any other source (application.properties, the environment) wins.
 */
public class InstanceIdConfigSource implements ConfigSource {

    public static final String KEY = "interaction-sync.instance-id";

    /**
     * One default per JVM, kept in a system property of another name: Quarkus reloads this class at each restart of
     * a test or dev application in the same JVM, and a new id there would leave the previous app's static Kafka
     * members holding their partitions until their sessions expire.
     */
    private static final String DEFAULT = System.getProperties().computeIfAbsent("interaction-sync.default-instance-id",
            k -> hostName() + "-" + UUID.randomUUID().toString().substring(0, 8)).toString();

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, DEFAULT);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? DEFAULT : null;
    }

    @Override
    public String getName() {
        return "interaction-sync-instance-id-default";
    }

    @Override
    public int getOrdinal() {
        return 1;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "replica";
        }
    }
}
