package io.interactionsync.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * The local stack's Kafka broker: a real single-node KRaft broker (no ZooKeeper, no Docker) in its own
 * JVM, run from the launcher's classpath with Kafka's own main class. Data survives restarts under
 * {@code .local/kafka}, so a re-run resumes from the committed offsets.
 */
public final class KafkaBrokerProcess {

    private KafkaBrokerProcess() {
    }

    public static ManagedProcess start(Path dataDir, int port, int controllerPort, Path logFile) {
        try {
            Path logDirs = dataDir.resolve("data");
            Files.createDirectories(logDirs);
            Path config = dataDir.resolve("server.properties");
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", logDirs.toString());
            p.put("num.partitions", "3");
            p.put("offsets.topic.replication.factor", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, "local stack broker (written by the launcher on every start)");
            }
            String classpath = System.getProperty("java.class.path");
            if (!Files.exists(logDirs.resolve("meta.properties"))) {
                ManagedProcess format = ManagedProcess.start("kafka-format", ManagedProcess.java("-cp", classpath,
                        "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()), Map.of(), logFile);
                format.awaitReady(() -> !format.isAlive(), Duration.ofSeconds(60), "storage format");
                if (!Files.exists(logDirs.resolve("meta.properties"))) {
                    throw new IllegalStateException("Kafka storage format failed:\n" + format.logTail(20));
                }
            }
            ManagedProcess broker = ManagedProcess.start("kafka", ManagedProcess.java("-Xmx512m", "-XX:+UseSerialGC",
                    "-Dorg.apache.logging.log4j.level=INFO", "-cp", classpath, "kafka.Kafka", config.toString()), Map.of(), logFile);
            broker.awaitReady(() -> reachable("127.0.0.1:" + port), Duration.ofSeconds(60), "broker metadata");
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean reachable(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }
}
