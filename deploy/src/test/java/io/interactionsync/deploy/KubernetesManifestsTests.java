package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.interactionsync.model.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Validates {@code deploy/k8s} without a cluster: the Kustomize structure resolves, every service is
 * deployed with health probes on the management port, resources and a disruption budget, secrets come only from
 * Secrets, the Kafka topics match the contract, the local stack's partition counts and their producers' compression,
 * the cluster trust boundary holds together (a KafkaUser per service whose ACLs cover exactly what the service's
 * channels use, only the connector writes account-events, SCRAM over TLS, default-deny NetworkPolicies with the SPEC
 * §2 flows, HTTPS for the internal APIs, one database role per schema), and the autoscalers follow the services'
 * configuration: KEDA on the sync-job backlog (bounded by Gmail's project quota) and on raw-records lag (bounded by
 * partitions per consumer), no {@code replicas:} to fight them, grace periods longer than the services' drains.
 * Schemas: {@link RenderedManifestsTests}.
 */
class KubernetesManifestsTests {

    static final Path K8S = Path.of("k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Set<String> SERVICES = Set.of("connector-service", "google-sync-service", "microsoft-sync-service",
            "event-normalizer", "relationship-service");
    /** The services that serve an API (portal users, internal calls) over HTTPS on 8443. */
    static final Set<String> API_SERVICES = Set.of("connector-service", "event-normalizer", "relationship-service");
    static final int MANAGEMENT_PORT = 9000;
    /** The KafkaUser KEDA's Kafka scaler logs in as (event-normalizer.yaml's TriggerAuthentication). */
    static final String KEDA_USER = "keda-operator";
    static final Set<String> SYNC_SERVICES = Set.of("google-sync-service", "microsoft-sync-service");

    @Test
    void shouldListEveryBaseFileInTheKustomizationAndResolveOverlays() throws IOException {
        JsonNode base = single(K8S.resolve("base/kustomization.yaml"));
        Set<String> listed = new HashSet<>();
        base.get("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.walk(K8S.resolve("base"))) {
            Set<String> present = new HashSet<>(files.map(p -> K8S.resolve("base").relativize(p).toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList());
            assertThat(listed).isEqualTo(present);
        }
        base.get("configMapGenerator").forEach(g -> g.get("files").forEach(f ->
                assertThat(K8S.resolve("base").resolve(f.asText())).exists()));
        for (String overlay : List.of("production", "staging")) {
            JsonNode k = single(K8S.resolve("overlays/" + overlay + "/kustomization.yaml"));
            assertThat(k.get("namespace").asText()).isNotBlank();
            k.get("resources").forEach(r -> assertThat(K8S.resolve("overlays/" + overlay).resolve(r.asText())
                    .resolve("kustomization.yaml")).exists());
            // The autoscalers own the replica counts; overlays patch their bounds instead.
            assertThat(k.has("replicas")).as(overlay + " replicas:").isFalse();
        }
    }

    @Test
    void shouldDeployEveryServiceWithProbesResourcesAndADisruptionBudget() throws IOException {
        Map<String, List<JsonNode>> byKind = baseResources();
        Set<String> deployments = new HashSet<>();
        for (JsonNode d : byKind.get("Deployment")) {
            String name = d.at("/metadata/name").asText();
            deployments.add(name);
            JsonNode container = d.at("/spec/template/spec/containers/0");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(name).isEqualTo("/q/health/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(name).isEqualTo("/q/health/live");
            assertThat(container.at("/startupProbe/httpGet/path").asText()).as(name).isEqualTo("/q/health/started");
            assertThat(container.at("/resources/requests/memory").asText()).as(name).isNotBlank();
            assertThat(container.at("/resources/limits/memory").asText()).as(name).isNotBlank();
            assertThat(d.at("/spec/selector/matchLabels")).isEqualTo(d.at("/spec/template/metadata/labels"));
        }
        assertThat(deployments).isEqualTo(SERVICES);
        assertThat(names(byKind.get("PodDisruptionBudget"))).isEqualTo(SERVICES);
        // One replica is the autoscalers' minimum: minAvailable 1 would block node drains.
        assertThat(byKind.get("PodDisruptionBudget")).allSatisfy(pdb -> {
            assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
            assertThat(pdb.has("minAvailable")).isFalse();
        });
        assertThat(names(byKind.get("Service"))).isEqualTo(SERVICES);
    }

    /**
     * KEDA scales the sync services and the normalizer, a CPU HPA the connector and relationship-service; nothing else
     * sets replicas.
     */
    @Test
    void shouldLeaveEveryReplicaCountToExactlyOneAutoscaler() {
        for (String target : Kustomize.TARGETS) {
            Map<String, String> scaledBy = new HashMap<>();
            for (String kind : List.of("ScaledObject", "HorizontalPodAutoscaler")) {
                Kustomize.objects(target, kind).forEach(a -> assertThat(scaledBy.put(
                        a.at("/spec/scaleTargetRef/name").asText(), kind)).as(target + " " + a.at("/metadata/name")).isNull());
            }
            assertThat(scaledBy).as(target).containsOnly(Map.entry("connector-service", "HorizontalPodAutoscaler"),
                    Map.entry("google-sync-service", "ScaledObject"), Map.entry("microsoft-sync-service", "ScaledObject"),
                    Map.entry("event-normalizer", "ScaledObject"),
                    Map.entry("relationship-service", "HorizontalPodAutoscaler"));
            for (JsonNode d : Kustomize.objects(target, "Deployment")) {
                assertThat(d.at("/spec/replicas").isMissingNode()).as(target + " " + d.at("/metadata/name")).isTrue();
            }
            for (JsonNode so : Kustomize.objects(target, "ScaledObject")) {
                String name = target + " " + so.at("/metadata/name").asText();
                assertThat(so.at("/spec/scaleTargetRef/kind").asText("Deployment")).as(name).isEqualTo("Deployment");
                assertThat(so.at("/spec/minReplicaCount").asInt()).as(name).isEqualTo(1);
                assertThat(so.at("/spec/maxReplicaCount").asInt()).as(name).isGreaterThanOrEqualTo(so.at("/spec/minReplicaCount").asInt());
                // Missing data never scales in: after a few failed polls KEDA keeps the current replicas (or more).
                assertThat(so.at("/spec/fallback/behavior").asText()).as(name).isEqualTo("currentReplicasIfHigher");
                assertThat(so.at("/spec/fallback/failureThreshold").asInt()).as(name).isBetween(1, 10);
                assertThat(so.at("/spec/triggers")).as(name).allSatisfy(t ->
                        assertThat(t.get("metricType").asText()).isEqualTo("AverageValue")); // what the fallback needs
            }
        }
        // Staging stays small.
        assertThat(Kustomize.objects("overlays/staging", "ScaledObject"))
                .allSatisfy(so -> assertThat(so.at("/spec/maxReplicaCount").asInt()).isLessThanOrEqualTo(2));
    }

    /**
     * The sync services scale on their job backlog: one replica per worker-concurrency jobs (claimable plus running,
     * so running jobs keep their replicas), google-sync bounded by Gmail's project quota at the per-user pace.
     */
    @Test
    void shouldScaleTheSyncServicesOnTheirJobBacklogWithinTheQuota() {
        for (String target : Kustomize.TARGETS) {
            for (String service : SYNC_SERVICES) {
                JsonNode so = Kustomize.object(target, "ScaledObject", service);
                JsonNode trigger = so.at("/spec/triggers/0");
                assertThat(so.at("/spec/triggers").size()).isEqualTo(1);
                assertThat(trigger.get("type").asText()).isEqualTo("prometheus");
                String query = trigger.at("/metadata/query").asText();
                String selector = "{namespace=\"" + namespace(target) + "\",service=\"" + service + "\"}";
                assertThat(query).as(target + " " + service).isEqualTo("max(sync_jobs_claimable" + selector
                        + ") + max(sync_jobs_running" + selector + ")");
                // A missing or NaN gauge is an error (then the fallback), not 0.
                assertThat(trigger.at("/metadata/ignoreNullValues").asText()).isEqualTo("false");
                String prefix = service.equals("google-sync-service") ? "GOOGLE_SYNC" : "MICROSOFT_SYNC";
                JsonNode container = Kustomize.object(target, "Deployment", service).at("/spec/template/spec/containers/0");
                assertThat(trigger.at("/metadata/threshold").asText()).as(target + " " + service)
                        .isEqualTo(env(container, prefix + "_WORKER_CONCURRENCY"));
            }
        }
        JsonNode google = Kustomize.object("overlays/production", "ScaledObject", "google-sync-service");
        int concurrency = Integer.parseInt(google.at("/spec/triggers/0/metadata/threshold").asText());
        String config = "google-sync-service/src/main/java/io/interactionsync/googlesync/config/GoogleSyncConfig.java";
        long project = Long.parseLong(ServiceSources.withDefault(config, "projectUnitsPerMinute"));
        long perUser = Long.parseLong(ServiceSources.withDefault(config, "userUnitsPerMinute"));
        assertThat(google.at("/spec/maxReplicaCount").asLong()).isEqualTo(project / (concurrency * perUser)).isEqualTo(20);
    }

    /** The normalizer scales on its group's raw-records lag, at most one replica per two partitions (its consumers). */
    @Test
    void shouldScaleTheNormalizerOnItsLagUpToOneConsumerPerPartition() {
        Properties normalizer = ServiceSources.applicationProperties("event-normalizer");
        int partitions = Kustomize.object("base", "KafkaTopic", Topics.RAW_RECORDS).at("/spec/partitions").asInt();
        JsonNode kafka = Kustomize.objects("base", "Kafka").getFirst();
        for (String target : Kustomize.TARGETS) {
            JsonNode so = Kustomize.object(target, "ScaledObject", "event-normalizer");
            JsonNode trigger = so.at("/spec/triggers/0");
            assertThat(trigger.get("type").asText()).isEqualTo("kafka");
            assertThat(trigger.at("/metadata/topic").asText())
                    .isEqualTo(normalizer.getProperty("mp.messaging.incoming.raw-records.topic"));
            assertThat(trigger.at("/metadata/consumerGroup").asText())
                    .isEqualTo(normalizer.getProperty("mp.messaging.incoming.raw-records.group.id"));
            assertThat(trigger.at("/metadata/offsetResetPolicy").asText())
                    .isEqualTo(normalizer.getProperty("mp.messaging.incoming.raw-records.auto.offset.reset"));
            assertThat(Integer.parseInt(trigger.at("/metadata/lagThreshold").asText())).isPositive();
            JsonNode container = Kustomize.object(target, "Deployment", "event-normalizer").at("/spec/template/spec/containers/0");
            int consumers = Integer.parseInt(optionalEnv(container, "NORMALIZER_CONSUMERS").orElse(ServiceSources
                    .withoutEnvironment(normalizer.getProperty("mp.messaging.incoming.raw-records.concurrency"))));
            if (target.equals("overlays/production") || target.equals("base")) {
                assertThat(so.at("/spec/maxReplicaCount").asInt()).as(target).isEqualTo(partitions / consumers);
            }
            assertThat(so.at("/spec/maxReplicaCount").asInt()).as(target).isLessThanOrEqualTo(partitions / consumers);
            // KEDA runs in its own namespace: the bootstrap Service by its full name, SCRAM over TLS as keda-operator.
            int port = kafka.at("/spec/kafka/listeners/0/port").asInt();
            assertThat(trigger.at("/metadata/bootstrapServers").asText()).as(target).isEqualTo(
                    kafka.at("/metadata/name").asText() + "-kafka-bootstrap." + namespace(target) + ".svc:" + port);
            assertThat(trigger.at("/metadata/sasl").asText()).isEqualTo("scram_sha512");
            assertThat(trigger.at("/metadata/tls").asText()).isEqualTo("enable");
            JsonNode auth = Kustomize.object(target, "TriggerAuthentication", trigger.at("/authenticationRef/name").asText());
            Map<String, String> secrets = new HashMap<>();
            auth.at("/spec/secretTargetRef").forEach(r -> secrets.put(r.get("parameter").asText(),
                    r.get("name").asText() + "/" + r.get("key").asText()));
            assertThat(secrets).containsOnly(Map.entry("password", KEDA_USER + "/password"),
                    Map.entry("ca", kafka.at("/metadata/name").asText() + "-cluster-ca-cert/ca.crt"));
            JsonNode username = auth.at("/spec/configMapTargetRef/0");
            assertThat(username.get("parameter").asText()).isEqualTo("username");
            assertThat(Kustomize.object(target, "ConfigMap", username.get("name").asText())
                    .at("/data/" + username.get("key").asText()).asText()).isEqualTo(KEDA_USER);
        }
    }

    /** KEDA reads the lag and nothing else: Describe on the topic and the normalizer's group. */
    @Test
    void shouldLetKedaDescribeOnlyTheNormalizersTopicAndGroup() throws IOException {
        JsonNode keda = baseResources().get("KafkaUser").stream()
                .filter(u -> u.at("/metadata/name").asText().equals(KEDA_USER)).findFirst().orElseThrow();
        Set<String> acls = new HashSet<>();
        keda.at("/spec/authorization/acls").forEach(acl -> acl.get("operations").forEach(op -> acls.add(
                acl.at("/resource/type").asText() + ":" + acl.at("/resource/name").asText() + ":"
                        + acl.at("/resource/patternType").asText() + ":" + op.asText())));
        assertThat(acls).containsExactlyInAnyOrder("topic:raw-records:literal:Describe",
                "group:event-normalizer:literal:Describe");
        // The Kafka listener lets KEDA's operator in.
        JsonNode peers = baseResources().get("Kafka").getFirst().at("/spec/kafka/listeners/0/networkPolicyPeers");
        assertThat(peers).anySatisfy(p -> {
            assertThat(p.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText()).isEqualTo("keda");
            assertThat(p.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("keda-operator");
        });
    }

    /**
     * A pod gets SIGTERM, then Quarkus waits up to quarkus.shutdown.timeout for requests in flight, then the service's
     * own drain runs (the sync workers' shutdown-grace, the normalizer's GracefulDrain): the grace period covers both.
     */
    @Test
    void shouldGiveEveryPodTimeToDrainBeforeItIsKilled() {
        String syncSettings = "sync-core/src/main/java/io/interactionsync/sync/SyncSettings.java";
        for (String target : Kustomize.TARGETS) {
            for (JsonNode d : Kustomize.objects(target, "Deployment")) {
                String service = d.at("/metadata/name").asText();
                Properties p = ServiceSources.applicationProperties(service);
                // Unset, Quarkus does not wait for requests at all.
                Duration requests = ServiceSources.duration(p.getProperty("quarkus.shutdown.timeout", "0s"));
                Duration drain = switch (service) {
                    case "google-sync-service", "microsoft-sync-service" -> ServiceSources.duration(p.getProperty(
                            service.replace("-service", "") + ".worker.shutdown-grace",
                            ServiceSources.withDefault(syncSettings, "shutdownGrace")));
                    // GracefulDrain: each channel's pause (≤ 5 s) and the in-flight batches (≤ 20 s).
                    case "event-normalizer" -> Duration.ofSeconds(30);
                    default -> Duration.ZERO;
                };
                long grace = d.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
                assertThat(grace).as(target + " " + service + ": " + requests + " + " + drain)
                        .isGreaterThanOrEqualTo(requests.plus(drain).plusSeconds(5).toSeconds());
            }
        }
    }

    /** Each topic keeps its producers' batches as they are: compression.type producer or the producers' own codec. */
    @Test
    void shouldNotRecompressWhatTheProducersSend() {
        Map<String, Set<String>> producerCodecs = new HashMap<>();
        for (String service : SERVICES) {
            Properties p = ServiceSources.applicationProperties(service);
            for (String key : p.stringPropertyNames()) {
                Matcher m = Pattern.compile("mp\\.messaging\\.outgoing\\.([^.]+)\\.topic").matcher(key);
                if (m.matches()) {
                    String codec = p.getProperty("mp.messaging.outgoing." + m.group(1) + ".compression.type",
                            p.getProperty("kafka.compression.type", "none"));
                    producerCodecs.computeIfAbsent(p.getProperty(key), t -> new HashSet<>()).add(codec);
                    if (service.equals("event-normalizer") && m.group(1).equals("outbox")) {
                        // The normalizer's outbox relay also sets raw-records-dlq per message.
                        producerCodecs.computeIfAbsent(Topics.RAW_RECORDS_DLQ, t -> new HashSet<>()).add(codec);
                    }
                }
            }
        }
        assertThat(producerCodecs).containsKeys(Topics.RAW_RECORDS, Topics.INTERACTION_EVENTS);
        for (JsonNode topic : Kustomize.objects("base", "KafkaTopic")) {
            String name = topic.at("/metadata/name").asText();
            String codec = topic.at("/spec/config/compression.type").asText("producer");
            if (!codec.equals("producer")) {
                assertThat(producerCodecs.getOrDefault(name, Set.of())).as(name + " forces " + codec).containsOnly(codec);
            }
        }
        assertThat(Kustomize.object("base", "KafkaTopic", Topics.RAW_RECORDS).at("/spec/config/compression.type").asText())
                .isEqualTo("producer");
    }

    /** Memory request and limit from measured figures: the normalizer's RSS is ~1,000 MiB at its 768 MiB heap. */
    @Test
    void shouldRequestWhatEachServiceNeedsAndRunAsTheImagesUser() {
        for (String target : Kustomize.TARGETS) {
            for (JsonNode d : Kustomize.objects(target, "Deployment")) {
                String name = target + " " + d.at("/metadata/name").asText();
                JsonNode resources = d.at("/spec/template/spec/containers/0/resources");
                long request = mebibytes(resources.at("/requests/memory").asText());
                long limit = mebibytes(resources.at("/limits/memory").asText());
                assertThat(request).as(name).isPositive().isLessThanOrEqualTo(limit);
                if (d.at("/metadata/name").asText().equals("event-normalizer")) {
                    assertThat(request).as(name + " (measured RSS ~1,000 MiB)").isEqualTo(limit).isGreaterThanOrEqualTo(1280);
                }
                JsonNode pod = d.at("/spec/template/spec/securityContext");
                assertThat(pod.get("runAsNonRoot").asBoolean()).as(name).isTrue();
                for (String id : List.of("runAsUser", "runAsGroup", "fsGroup")) {
                    assertThat(pod.get(id).asInt()).as(name + " " + id).isEqualTo(65532);
                }
            }
        }
    }

    @Test
    void shouldProbeAndScrapeOnlyTheManagementPort() throws IOException {
        Map<String, List<JsonNode>> byKind = baseResources();
        for (JsonNode d : byKind.get("Deployment")) {
            String name = d.at("/metadata/name").asText();
            JsonNode container = d.at("/spec/template/spec/containers/0");
            assertThat(containerPort(container, "management")).as(name).isEqualTo(MANAGEMENT_PORT);
            assertThat(env(container, "QUARKUS_MANAGEMENT_PORT")).as(name).isEqualTo(String.valueOf(MANAGEMENT_PORT));
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(name + " " + probe)
                        .isEqualTo("management");
            }
            assertThat(d.at("/spec/template/metadata/annotations/prometheus.io~1port").asText()).as(name)
                    .isEqualTo(String.valueOf(MANAGEMENT_PORT));
            // The https port serves no /q/*: the APIs, and the sync services' push notification endpoints.
            Set<String> ports = new HashSet<>();
            container.get("ports").forEach(p -> ports.add(p.get("name").asText()));
            assertThat(ports).as(name).isEqualTo(Set.of("https", "management"));
        }
        for (JsonNode s : byKind.get("Service")) {
            Map<String, Integer> ports = new HashMap<>();
            s.at("/spec/ports").forEach(p -> ports.put(p.get("name").asText(), p.get("port").asInt()));
            assertThat(ports).as(s.at("/metadata/name").asText()).containsEntry("management", MANAGEMENT_PORT);
        }
        JsonNode monitor = byKind.get("ServiceMonitor").getFirst();
        assertThat(monitor.at("/spec/selector/matchExpressions/0/values")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("management");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    }

    @Test
    void shouldNameEveryReplicaByItsPodForLeasesAndStaticGroupMembership() throws IOException {
        for (JsonNode d : baseResources().get("Deployment")) {
            JsonNode container = d.at("/spec/template/spec/containers/0");
            assertThat(envEntry(container, "INTERACTION_SYNC_INSTANCE_ID").at("/valueFrom/fieldRef/fieldPath").asText())
                    .as(d.at("/metadata/name").asText()).isEqualTo("metadata.name");
        }
    }

    @Test
    void shouldTakeSecretsOnlyFromSecretReferences() throws IOException {
        for (JsonNode d : baseResources().get("Deployment")) {
            String service = d.at("/metadata/name").asText();
            // Shared OAuth secrets, the service's own database role, the service's own KafkaUser.
            Set<String> allowed = Set.of("interaction-sync-secrets", service + "-db", service);
            for (JsonNode env : d.at("/spec/template/spec/containers/0/env")) {
                String name = env.get("name").asText();
                if (name.matches(".*(SECRET|PASSWORD|KEYRING|TOKEN|JAAS|USERNAME).*")) {
                    assertThat(env.has("value")).as(name + " in " + service).isFalse();
                    assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).as(name + " in " + service).isIn(allowed);
                }
            }
        }
        JsonNode config = configMap("interaction-sync-config");
        config.get("data").fieldNames().forEachRemaining(k ->
                assertThat(k).doesNotContainPattern("SECRET|PASSWORD|KEYRING|JAAS|USERNAME"));
    }

    @Test
    void shouldDeclareTheContractTopicsWithTheLocalStacksPartitionCounts() throws IOException {
        Map<String, Integer> declared = new HashMap<>();
        for (JsonNode t : baseResources().get("KafkaTopic")) {
            assertThat(t.get("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1");
            String name = t.at("/metadata/name").asText();
            declared.put(name, t.at("/spec/partitions").asInt());
            // The local stack creates the topic as the cluster does: the compacted state topic above all.
            StackTopics.CONFIGS.getOrDefault(name, Map.of()).forEach((key, value) ->
                    assertThat(t.at("/spec/config").path(key).asText()).as(name + " " + key).isEqualTo(value));
        }
        assertThat(declared).isEqualTo(StackTopics.PARTITIONS);
        assertThat(StackTopics.CONFIGS.get(Topics.INTERACTION_EVENTS_STATE)).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldConnectEveryServiceToKafkaOverTlsAsItsOwnScramUser() throws IOException {
        Map<String, List<JsonNode>> byKind = baseResources();
        JsonNode kafka = byKind.get("Kafka").getFirst();
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        assertThat(kafka.at("/spec/kafka/listeners")).allSatisfy(listener -> {
            assertThat(listener.get("tls").asBoolean()).isTrue();
            assertThat(listener.at("/authentication/type").asText()).isEqualTo("scram-sha-512");
        });
        int listenerPort = kafka.at("/spec/kafka/listeners/0/port").asInt();
        JsonNode config = configMap("interaction-sync-config").get("data");
        assertThat(config.get("KAFKA_BOOTSTRAP_SERVERS").asText())
                .isEqualTo(kafka.at("/metadata/name").asText() + "-kafka-bootstrap:" + listenerPort);
        assertThat(config.get("KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
        assertThat(config.get("KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");

        Set<String> users = new HashSet<>(SERVICES);
        users.add(KEDA_USER);
        assertThat(names(byKind.get("KafkaUser"))).isEqualTo(users);
        for (JsonNode user : byKind.get("KafkaUser")) {
            assertThat(user.get("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1");
            assertThat(user.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo(kafka.at("/metadata/name").asText());
        }
        for (JsonNode d : byKind.get("Deployment")) {
            String name = d.at("/metadata/name").asText();
            JsonNode container = d.at("/spec/template/spec/containers/0");
            JsonNode jaas = envEntry(container, "KAFKA_SASL_JAAS_CONFIG");
            assertThat(jaas.at("/valueFrom/secretKeyRef/name").asText()).as(name).isEqualTo(name);
            assertThat(jaas.at("/valueFrom/secretKeyRef/key").asText()).as(name).isEqualTo("sasl.jaas.config");
            assertThat(mountedSecret(d, config.get("KAFKA_SSL_TRUSTSTORE_LOCATION").asText()))
                    .as(name).isEqualTo(kafka.at("/metadata/name").asText() + "-cluster-ca-cert");
        }
    }

    @Test
    void shouldLetOnlyTheConnectorWriteAccountEvents() throws Exception {
        Map<String, Set<String>> writers = new HashMap<>();
        for (JsonNode user : baseResources().get("KafkaUser")) {
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                if (acl.at("/resource/type").asText().equals("topic") && grants(acl, "Write")
                        && matches(acl, Topics.ACCOUNT_EVENTS)) {
                    writers.computeIfAbsent(Topics.ACCOUNT_EVENTS, t -> new HashSet<>()).add(user.at("/metadata/name").asText());
                }
            }
        }
        assertThat(writers).containsExactly(Map.entry(Topics.ACCOUNT_EVENTS, Set.of("connector-service")));
    }

    /** A service that adds a channel without its ACL would be refused by the broker in production: caught here. */
    @Test
    void shouldGrantEachServiceExactlyTheTopicsAndGroupsItsChannelsUse() throws IOException {
        Map<String, JsonNode> users = new HashMap<>();
        baseResources().get("KafkaUser").forEach(u -> users.put(u.at("/metadata/name").asText(), u));
        for (String service : SERVICES) {
            Properties p = applicationProperties(service);
            Set<String> needed = new HashSet<>();
            for (String key : p.stringPropertyNames()) {
                if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
                    needed.add("topic:" + p.getProperty(key) + ":Read");
                    needed.add("group:" + p.getProperty(key.replace(".topic", ".group.id")) + ":Read");
                } else if (key.matches("mp\\.messaging\\.outgoing\\.[^.]+\\.topic")) {
                    needed.add("topic:" + p.getProperty(key) + ":Write");
                }
            }
            if (service.equals("event-normalizer")) {
                needed.add("topic:" + Topics.RAW_RECORDS_DLQ + ":Write"); // the outbox sets the topic per message
                needed.add("topic:" + Topics.INTERACTION_EVENTS_STATE + ":Write");
                needed.add("group:event-normalizer-replay:Read"); // normalizer.replay.group-id
            }
            JsonNode user = users.get(service);
            for (String need : needed) {
                String[] n = need.split(":");
                assertThat(user.at("/spec/authorization/acls")).as(service + " needs " + need)
                        .anySatisfy(acl -> {
                            assertThat(acl.at("/resource/type").asText()).isEqualTo(n[0]);
                            assertThat(matches(acl, n[1])).isTrue();
                            assertThat(grants(acl, n[2])).isTrue();
                        });
            }
            // Nothing beyond the SPEC §3.1 flows: Read, Write (and Describe) only, no cluster or wildcard resource.
            assertThat(user.at("/spec/authorization/acls")).allSatisfy(acl -> {
                assertThat(acl.at("/resource/type").asText()).isIn("topic", "group");
                assertThat(acl.at("/resource/name").asText()).isNotIn("*", "");
                acl.get("operations").forEach(op -> assertThat(op.asText()).isIn("Read", "Write", "Describe"));
            });
        }
    }

    @Test
    void shouldDenyAllTrafficButTheSpecFlows() throws IOException {
        Map<String, JsonNode> policies = new HashMap<>();
        baseResources().get("NetworkPolicy").forEach(p -> policies.put(p.at("/metadata/name").asText(), p));
        JsonNode deny = policies.get("default-deny");
        assertThat(deny).isNotNull();
        assertThat(deny.at("/spec/podSelector").isEmpty()).isTrue();
        assertThat(deny.at("/spec/policyTypes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.at("/spec/ingress").isMissingNode() && deny.at("/spec/egress").isMissingNode()).isTrue();

        // Ingress to a service pod: only its API (8443) and the management port (9000), never the plain HTTP ports.
        for (JsonNode policy : policies.values()) {
            for (JsonNode rule : policy.at("/spec/ingress")) {
                if (selectsAService(policy)) {
                    assertThat(rule.get("ports")).as(policy.at("/metadata/name").asText())
                            .allSatisfy(port -> assertThat(port.get("port").asInt()).isIn(8443, MANAGEMENT_PORT));
                }
            }
        }
        // The sync services' calls to the internal APIs, and who may call the connector.
        JsonNode toApis = policies.get("sync-services-to-internal-apis");
        assertThat(toApis.at("/spec/egress/0/to")).extracting(t -> t.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText())
                .containsExactlyInAnyOrder("connector-service", "event-normalizer");
        assertThat(policies.get("connector-service-ingress").at("/spec/ingress/0/from"))
                .extracting(f -> f.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText(
                        f.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText()))
                .containsExactlyInAnyOrder("ingress-nginx", "google-sync-service", "microsoft-sync-service",
                        "event-normalizer");
        assertThat(policies.get("allow-prometheus-scrape").at("/spec/ingress/0/ports/0/port").asInt()).isEqualTo(MANAGEMENT_PORT);
        assertThat(policies.get("allow-dns").at("/spec/egress/0/ports")).extracting(p -> p.get("port").asInt()).containsOnly(53);
        JsonNode egress = policies.get("services-egress").at("/spec/egress");
        assertThat(egress).extracting(rule -> rule.at("/ports/0/port").asInt()).containsExactlyInAnyOrder(9093, 5432);
    }

    @Test
    void shouldExposeOnlyThePushEndpointsOfTheSyncServicesOnThePublicPushIngress() throws IOException {
        Map<String, List<JsonNode>> byKind = baseResources();
        JsonNode ingress = byKind.get("Ingress").stream()
                .filter(i -> i.at("/metadata/name").asText().equals("interaction-sync-push")).findFirst().orElseThrow();
        assertThat(ingress.at("/metadata/annotations/nginx.ingress.kubernetes.io~1backend-protocol").asText()).isEqualTo("HTTPS");
        Map<String, String> routes = new HashMap<>();
        ingress.at("/spec/rules/0/http/paths").forEach(p -> {
            routes.put(p.get("path").asText(), p.at("/backend/service/name").asText());
            assertThat(p.at("/backend/service/port/name").asText()).isEqualTo("https");
        });
        assertThat(routes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/push/gmail", "google-sync-service",
                "/push/google-calendar", "google-sync-service",
                "/push/graph", "microsoft-sync-service"));
        // Only the ingress controller reaches them, on https.
        JsonNode policy = byKind.get("NetworkPolicy").stream()
                .filter(p -> p.at("/metadata/name").asText().equals("sync-services-push-ingress")).findFirst().orElseThrow();
        assertThat(policy.at("/spec/podSelector/matchExpressions/0/values")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("google-sync-service", "microsoft-sync-service");
        assertThat(policy.at("/spec/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
                .isEqualTo("ingress-nginx");
        assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt()).isEqualTo(8443);
        // The services are told the public URL the providers call.
        JsonNode config = configMap("interaction-sync-config").get("data");
        String host = ingress.at("/spec/rules/0/host").asText();
        assertThat(config.get("GOOGLE_SYNC_PUSH_PUBLIC_BASE_URL").asText()).isEqualTo("https://" + host);
        assertThat(config.get("MICROSOFT_SYNC_PUSH_PUBLIC_BASE_URL").asText()).isEqualTo("https://" + host);
        assertThat(config.get("GOOGLE_SYNC_PUSH_GMAIL_AUDIENCE").asText()).isEqualTo("https://" + host + "/push/gmail");
    }

    @Test
    void shouldServeTheConsoleAndThePublicApisOnOneOriginThroughTheConsoleIngress() throws IOException {
        JsonNode ingress = baseResources().get("Ingress").stream()
                .filter(i -> i.at("/metadata/name").asText().equals("interaction-sync-console")).findFirst().orElseThrow();
        Map<String, String> routes = new HashMap<>();
        ingress.at("/spec/rules/0/http/paths").forEach(p -> {
            routes.put(p.get("path").asText(), p.at("/backend/service/name").asText());
            assertThat(p.at("/backend/service/port/name").asText()).isEqualTo("https");
        });
        assertThat(routes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/console", "connector-service", "/_importmap", "connector-service", "/_static", "connector-service",
                "/api/v1", "connector-service",
                "/api/v1/interaction-events", "event-normalizer", "/api/v1/admin/replays", "event-normalizer",
                "/api/v1/relationships", "relationship-service", "/api/v1/admin/rebuild", "relationship-service"));
        // The team view is relationship-service's, the rest of /api/v1/collections the connector's: a regex Ingress.
        JsonNode team = baseResources().get("Ingress").stream()
                .filter(i -> i.at("/metadata/name").asText().equals("interaction-sync-team-relationships")).findFirst()
                .orElseThrow();
        assertThat(team.at("/metadata/annotations/nginx.ingress.kubernetes.io~1use-regex").asText()).isEqualTo("true");
        assertThat(team.at("/spec/rules/0/http/paths/0/backend/service/name").asText()).isEqualTo("relationship-service");
        assertThat("/api/v1/collections/demo-team/relationships")
                .matches(team.at("/spec/rules/0/http/paths/0/path").asText());
        assertThat("/api/v1/collections/demo-team/blocklist").doesNotMatch(team.at("/spec/rules/0/http/paths/0/path").asText());
        // Never the internal APIs, the push endpoints or the management port.
        assertThat(routes.keySet()).noneMatch(path -> path.startsWith("/internal") || path.startsWith("/push")
                || path.startsWith("/q"));
        String origin = "https://" + ingress.at("/spec/rules/0/host").asText();
        JsonNode config = configMap("interaction-sync-config").get("data");
        assertThat(config.get("CONSOLE_NORMALIZER_URL").asText()).isEqualTo(origin);
        assertThat(config.get("CONNECTOR_OAUTH_REDIRECT_URIS").asText().split(",")).contains(origin + "/console/");
    }

    @Test
    void shouldServeTheInternalApisOverTlsWithCertManagerCertificates() throws IOException {
        Map<String, List<JsonNode>> byKind = baseResources();
        Map<String, JsonNode> certificates = new HashMap<>();
        byKind.get("Certificate").forEach(c -> certificates.put(c.at("/spec/secretName").asText(), c));
        JsonNode tls = configMap("interaction-sync-tls").get("data");
        for (JsonNode d : byKind.get("Deployment")) {
            String name = d.at("/metadata/name").asText();
            JsonNode container = d.at("/spec/template/spec/containers/0");
            List<String> configFiles = List.of(env(container, "QUARKUS_CONFIG_LOCATIONS").split(","));
            Set<String> keys = new HashSet<>();
            Properties properties = new Properties();
            for (String configFile : configFiles) {
                String key = Path.of(configFile).getFileName().toString();
                keys.add(key);
                properties.load(new java.io.StringReader(tls.get(key).asText()));
                assertThat(mountedConfigMap(d, configFile)).isEqualTo("interaction-sync-tls");
            }
            // Every service serves TLS (APIs, push endpoints); every service that calls an internal API trusts the
            // internal CA.
            assertThat(keys).as(name).isEqualTo(Set.of("connector-service", "relationship-service").contains(name)
                    ? Set.of("server.properties") : Set.of("server.properties", "client.properties"));
            // Every file the TLS settings name is in the service's own certificate Secret.
            for (String file : properties.stringPropertyNames().stream().filter(k -> k.contains(".pem.")).map(properties::getProperty).toList()) {
                String secret = mountedSecret(d, file);
                assertThat(certificates).as(name + ": " + file).containsKey(secret);
                assertThat(secret).isEqualTo(name + "-tls");
            }
            assertThat(properties.getProperty("quarkus.http.insecure-requests")).isEqualTo("disabled");
            assertThat(properties.getProperty("quarkus.http.ssl-port")).isEqualTo(String.valueOf(containerPort(container, "https")));
            assertThat(certificates.get(name + "-tls").at("/spec/dnsNames")).extracting(JsonNode::asText).contains(name);
        }
        // The clients call those names and ports over https.
        JsonNode config = configMap("interaction-sync-config").get("data");
        for (String client : List.of("QUARKUS_REST_CLIENT_CONNECTOR_URL", "QUARKUS_REST_CLIENT_NORMALIZER_URL")) {
            URI url = URI.create(config.get(client).asText());
            assertThat(url.getScheme()).isEqualTo("https");
            assertThat(API_SERVICES).contains(url.getHost());
            assertThat(byKind.get("Service")).filteredOn(s -> s.at("/metadata/name").asText().equals(url.getHost()))
                    .singleElement().satisfies(s -> assertThat(s.at("/spec/ports")).anySatisfy(p -> {
                        assertThat(p.get("port").asInt()).isEqualTo(url.getPort());
                        assertThat(p.get("targetPort").asText()).isEqualTo("https");
                    }));
        }
    }

    @Test
    void shouldGiveEachServiceItsOwnDatabaseRoleOnItsOwnSchema() throws IOException {
        String roles = Files.readString(K8S.resolve("base/postgres/roles.sql"));
        Set<String> secrets = new HashSet<>();
        for (JsonNode d : baseResources().get("Deployment")) {
            String name = d.at("/metadata/name").asText();
            JsonNode container = d.at("/spec/template/spec/containers/0");
            assertThat(envEntry(container, "QUARKUS_DATASOURCE_USERNAME").at("/valueFrom/secretKeyRef/name").asText())
                    .isEqualTo(name + "-db");
            assertThat(envEntry(container, "QUARKUS_DATASOURCE_PASSWORD").at("/valueFrom/secretKeyRef/name").asText())
                    .isEqualTo(name + "-db");
            String schema = applicationProperties(name).getProperty("quarkus.flyway.schemas");
            String role = name.replace('-', '_');
            assertThat(roles).contains("CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + role + ";")
                    .contains("('" + schema + "', '" + role + "')");
            secrets.add(name + "-db");
        }
        JsonNode job = baseResources().get("Job").getFirst();
        Set<String> used = new HashSet<>();
        job.at("/spec/template/spec/containers/0/env").forEach(e -> used.add(e.at("/valueFrom/secretKeyRef/name").asText()));
        assertThat(used).containsAll(secrets);
    }

    static Map<String, List<JsonNode>> baseResources() throws IOException {
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        for (JsonNode file : single(K8S.resolve("base/kustomization.yaml")).get("resources")) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                    .readValues(K8S.resolve("base").resolve(file.asText()).toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    assertThat(doc.hasNonNull("apiVersion")).as(file.asText()).isTrue();
                    byKind.computeIfAbsent(doc.get("kind").asText(), k -> new ArrayList<>()).add(doc);
                }
            }
        }
        return byKind;
    }

    private static JsonNode configMap(String name) throws IOException {
        return baseResources().get("ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow();
    }

    private static Properties applicationProperties(String service) {
        return ServiceSources.applicationProperties(service);
    }

    /** The namespace a target's objects land in (the base has none: KEDA's queries then name production's). */
    private static String namespace(String target) {
        return Kustomize.objects(target, "ConfigMap").getFirst().at("/metadata/namespace").asText("interaction-sync");
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as(quantity).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    private static java.util.Optional<String> optionalEnv(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.get("name").asText().equals(name)) {
                return java.util.Optional.of(e.get("value").asText());
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean grants(JsonNode acl, String operation) {
        for (JsonNode op : acl.get("operations")) {
            if (op.asText().equals(operation) || op.asText().equals("All")) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(JsonNode acl, String name) {
        String pattern = acl.at("/resource/name").asText();
        return switch (acl.at("/resource/patternType").asText("literal")) {
            case "prefix" -> name.startsWith(pattern);
            default -> pattern.equals(name) || pattern.equals("*");
        };
    }

    private static boolean selectsAService(JsonNode policy) {
        JsonNode selector = policy.at("/spec/podSelector");
        if (SERVICES.contains(selector.at("/matchLabels/app.kubernetes.io~1name").asText())) {
            return true;
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            for (JsonNode v : e.path("values")) {
                if (SERVICES.contains(v.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int containerPort(JsonNode container, String name) {
        for (JsonNode p : container.get("ports")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("containerPort").asInt();
            }
        }
        throw new AssertionError("no port " + name);
    }

    private static JsonNode envEntry(JsonNode container, String name) {
        for (JsonNode e : container.get("env")) {
            if (e.get("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static String env(JsonNode container, String name) {
        return envEntry(container, name).get("value").asText();
    }

    /** The Secret mounted where {@code file} lives in the Deployment's container. */
    private static String mountedSecret(JsonNode deployment, String file) {
        return mountedVolume(deployment, file).at("/secret/secretName").asText();
    }

    private static String mountedConfigMap(JsonNode deployment, String file) {
        return mountedVolume(deployment, file).at("/configMap/name").asText();
    }

    private static JsonNode mountedVolume(JsonNode deployment, String file) {
        for (JsonNode m : deployment.at("/spec/template/spec/containers/0/volumeMounts")) {
            if (file.startsWith(m.get("mountPath").asText() + "/")) {
                for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
                    if (v.get("name").asText().equals(m.get("name").asText())) {
                        return v;
                    }
                }
            }
        }
        throw new AssertionError(file + " is not mounted in " + deployment.at("/metadata/name").asText());
    }

    private static JsonNode single(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static Set<String> names(List<JsonNode> resources) {
        Set<String> names = new HashSet<>();
        resources.forEach(r -> names.add(r.at("/metadata/name").asText()));
        return names;
    }
}
