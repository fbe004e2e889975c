package io.interactionsync.normalizer.listener;

import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Fast failover (issue 18): every consumer of the {@code event-normalizer} group is a static member,
 * {@code group.instance.id = <instance id>-<client id>}. A replica restarted under the same instance id (the pod name,
 * {@code INTERACTION_SYNC_INSTANCE_ID}) gets its partitions back at once instead of waiting for the dead member's
 * session to expire; a replica that does not come back loses them after {@code session.timeout.ms} (6 s, the broker's
 * default minimum, with 1 s heartbeats; its partitions resume on another replica about 7 s after the kill,
 * {@code it/FailoverIT}) — also on a graceful stop, as a static member does not leave its group. Each of the channel's consumers ({@code concurrency}) has
 * its own client id, hence its own member id. Unset, the instance id is common-model's per-JVM default (host name and a
 * random suffix): never shared by two processes, whose static members would fence each other.
 */
@ApplicationScoped
public class StaticMembership implements ClientCustomizer<Map<String, Object>> {

    private final java.util.Optional<String> instanceId;

    public StaticMembership(@ConfigProperty(name = "interaction-sync.instance-id") java.util.Optional<String> instanceId) {
        this.instanceId = instanceId.filter(s -> !s.isBlank());
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        Object group = config.get("group.id");
        Object client = config.get("client.id");
        if (instanceId.isPresent() && group != null && client != null && !config.containsKey("group.instance.id")) {
            config.put("group.instance.id", legal(instanceId.get() + "-" + client));
        }
        return config;
    }

    /** Kafka accepts {@code [a-zA-Z0-9._-]} (≤ 249) in a group instance id; a channel's {@code $n} suffix is not. */
    static String legal(String id) {
        String s = id.replaceAll("[^a-zA-Z0-9._-]", "-");
        return s.length() <= 249 ? s : s.substring(s.length() - 249);
    }
}
