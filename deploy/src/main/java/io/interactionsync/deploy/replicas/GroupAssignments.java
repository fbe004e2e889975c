package io.interactionsync.deploy.replicas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Which replica of a consumer group holds which partitions of a topic, read with the Kafka Admin API every second: the
 * members' static ids ({@code group.instance.id = <instance id>-<client id>}) name the replica. Keeps, per replica,
 * every partition it was ever seen holding, and the last reading in which every replica held some.
 */
public final class GroupAssignments implements AutoCloseable {

    private final String bootstrap;
    private final String group;
    private final String topic;
    private final List<String> instanceIds;
    private final Map<String, Set<Integer>> seen = new TreeMap<>();
    private Map<String, Set<Integer>> shared = Map.of();
    private final Thread poller;
    private volatile boolean closed;

    /** @param instanceIds the replicas' instance ids ({@code event-normalizer-0}, …) */
    public GroupAssignments(String bootstrap, String group, String topic, List<String> instanceIds) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.topic = topic;
        this.instanceIds = List.copyOf(instanceIds);
        instanceIds.forEach(id -> seen.put(id, new TreeSet<>()));
        this.poller = Thread.ofPlatform().daemon().name("group-assignments").unstarted(this::loop);
    }

    public GroupAssignments start() {
        poller.start();
        return this;
    }

    private void loop() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (!closed) {
                try {
                    record(read(admin));
                } catch (Exception e) {
                    // the group not formed yet, or the broker busy: ask again
                }
                Thread.sleep(Duration.ofSeconds(1).toMillis());
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Partitions of the topic per replica instance id, as the group has them assigned now. */
    Map<String, Set<Integer>> read(Admin admin) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (MemberDescription member : description.members()) {
            String id = member.groupInstanceId().orElse(member.clientId());
            for (String instance : instanceIds) {
                if (id.startsWith(instance + "-")) {
                    for (TopicPartition tp : member.assignment().topicPartitions()) {
                        if (tp.topic().equals(topic)) {
                            out.computeIfAbsent(instance, k -> new TreeSet<>()).add(tp.partition());
                        }
                    }
                }
            }
        }
        return out;
    }

    private synchronized void record(Map<String, Set<Integer>> now) {
        now.forEach((instance, partitions) -> seen.get(instance).addAll(partitions));
        if (instanceIds.stream().allMatch(id -> !now.getOrDefault(id, Set.of()).isEmpty())) {
            shared = now;
        }
    }

    /** The last reading in which every replica held at least one partition (empty: never seen). */
    public synchronized Map<String, Set<Integer>> shared() {
        return shared;
    }

    /** Every partition each replica was seen holding. */
    public synchronized Map<String, Set<Integer>> seen() {
        Map<String, Set<Integer>> out = new TreeMap<>();
        seen.forEach((k, v) -> out.put(k, Set.copyOf(v)));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
