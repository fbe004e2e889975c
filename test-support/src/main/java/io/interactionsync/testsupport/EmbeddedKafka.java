package io.interactionsync.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process, no ZooKeeper) running
 * inside the test JVM on free ports. Up in about two seconds.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String SCRAM = "SCRAM-SHA-512";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    public static EmbeddedKafka start() {
        return start(null, null);
    }

    /**
     * A broker whose client listener requires SASL/SCRAM-SHA-512 (SASL_PLAINTEXT) and authorizes every request with
     * KRaft's {@code StandardAuthorizer}: a principal may do only what an ACL allows, except {@code superUser}, whose
     * SCRAM credential is written at format time (the broker authenticates to itself with it). Other users are created
     * through the Admin API ({@code alterUserScramCredentials}) with {@link #scramClientConfig} as the super user. The
     * controller listener stays PLAINTEXT inside this process; its anonymous principal is a super user too.
     */
    public static EmbeddedKafka startWithScram(String superUser, String superPassword) {
        return start(superUser, superPassword);
    }

    /** Client settings (bootstrap included) that log in to a {@link #startWithScram} broker as {@code user}. */
    public Map<String, Object> scramClientConfig(String user, String password) {
        return Map.of("bootstrap.servers", bootstrapServers,
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", SCRAM,
                "sasl.jaas.config", jaas(user, password));
    }

    private static EmbeddedKafka start(String superUser, String superPassword) {
        boolean scram = superUser != null;
        try {
            int brokerPort = freePort();
            int controllerPort = freePort();
            Path logDir = Files.createTempDirectory("kafka-test-");
            String client = scram ? "SASL_PLAINTEXT" : "PLAINTEXT";
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", client + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", client + "://127.0.0.1:" + brokerPort);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
            if (scram) {
                props.put("inter.broker.listener.name", client);
                props.put("sasl.enabled.mechanisms", SCRAM);
                props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
                props.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", jaas(superUser, superPassword));
                props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                props.put("super.users", "User:" + superUser + ";User:ANONYMOUS");
                props.put("allow.everyone.if.no.acl.found", "false");
            }
            props.put("log.dirs", logDir.toString());
            props.put("num.partitions", "3");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "5");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", Boolean.toString(!scram));

            Path config = logDir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                props.store(w, "embedded test broker");
            }
            List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                    config.toString()));
            if (scram) {
                format.addAll(List.of("--add-scram", SCRAM + "=[name=" + superUser + ",password=" + superPassword + "]"));
            }
            int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
            if (rc != 0) {
                throw new IllegalStateException("kafka storage format failed with " + rc);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, "127.0.0.1:" + brokerPort, logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        TestFiles.deleteRecursively(logDir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
