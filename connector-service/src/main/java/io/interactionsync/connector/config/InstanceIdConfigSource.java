package io.interactionsync.connector.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The default of {@code interaction-sync.instance-id} (the replica's stable identity, e.g. in the Kafka consumers'
 * {@code group.instance.id}): the host name plus a random suffix, so that two processes never share it (two static
 * members with one id fence each other). The local stack sets {@code INTERACTION_SYNC_INSTANCE_ID} to
 * {@code connector-<n>}, Kubernetes to the pod name; both override this source (lowest ordinal).
 */
public class InstanceIdConfigSource implements ConfigSource {

    public static final String KEY = "interaction-sync.instance-id";

    private final String value = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, value);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? value : null;
    }

    @Override
    public String getName() {
        return "instance-id-default";
    }

    @Override
    public int getOrdinal() {
        return 1;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "connector";
        }
    }
}
