package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/EGRESS.md against what the services are configured to call and what the NetworkPolicies let out: every
 * {@code https://} host of a service's defaults ({@code application.properties}, {@code @WithDefault} in its own and
 * sync-core's sources) and of the rendered ConfigMap and Deployment it reads is in the registry for that service, and
 * the registry lists no host the configuration does not name; the circuit breakers are the code's; exactly the services
 * in the registry may reach public addresses, on 443 only.
 */
class EgressRegistryTests {

    static final Path REGISTRY = Path.of("EGRESS.md");
    static final Pattern HTTPS_HOST = Pattern.compile("https://([a-zA-Z0-9.-]+)");
    static final Pattern BREAKER_CONSTANT = Pattern.compile("static final String \\w*BREAKER\\w* = \"([a-z_]+)\"");
    /** Which Quarkus extension reads the ConfigMap's variables of this prefix (so which services call those URLs). */
    static final Map<String, String> READ_BY = Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "quarkus-smallrye-jwt",
            "MP_JWT_VERIFY_ISSUER", "quarkus-smallrye-jwt", "QUARKUS_OIDC_CLIENT_", "quarkus-oidc-client");

    record Row(String service, String purpose, Set<String> hosts, String breaker) {
    }

    @Test
    void shouldListExactlyTheHostsEachServiceIsConfiguredToCall() {
        Map<String, Set<String>> registered = new TreeMap<>();
        registry().forEach(r -> registered.computeIfAbsent(r.service(), s -> new TreeSet<>()).addAll(r.hosts()));
        Map<String, Set<String>> configured = new TreeMap<>();
        for (String service : KubernetesManifestsTests.SERVICES) {
            Set<String> hosts = configuredHosts(service);
            if (!hosts.isEmpty()) {
                configured.put(service, hosts);
            }
        }
        assertThat(configured).containsKeys("connector-service", "google-sync-service", "microsoft-sync-service");
        assertThat(configured.get("google-sync-service")).contains("gmail.googleapis.com", "portal.example.com");
        assertThat(registered).isEqualTo(configured);
    }

    @Test
    void shouldNameEachServicesCircuitBreakersAndNoneForTokenEndpoints() {
        for (String service : KubernetesManifestsTests.SERVICES) {
            Set<String> inCode = new TreeSet<>();
            javaSources(List.of(service)).forEach(source -> {
                Matcher m = BREAKER_CONSTANT.matcher(source);
                while (m.find()) {
                    inCode.add(m.group(1));
                }
            });
            Set<String> inRegistry = new TreeSet<>();
            registry().stream().filter(r -> r.service().equals(service) && !r.breaker().equals("none"))
                    .forEach(r -> inRegistry.add(r.breaker().replace("`", "")));
            assertThat(inRegistry).as(service).isEqualTo(inCode);
        }
        assertThat(registry()).extracting(Row::breaker).contains("`google_gmail_metadata`", "`google_calendar`",
                "`ms_graph_mail`", "`ms_graph_calendar`");
        // Sign-in, token and key endpoints and the IdP: no breaker (a failure fails that one request).
        String idp = URI.create(Kustomize.object("overlays/production", "ConfigMap", "interaction-sync-config")
                .at("/data/QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL").asText()).getHost();
        Set<String> tokenHosts = Set.of("accounts.google.com", "oauth2.googleapis.com", "login.microsoftonline.com", idp);
        assertThat(registry()).filteredOn(r -> r.hosts().stream().anyMatch(tokenHosts::contains)).isNotEmpty()
                .allSatisfy(r -> assertThat(r.breaker()).as(r.service() + ": " + r.purpose()).isEqualTo("none"));
    }

    /** 443 to public addresses for exactly the services with rows; nothing else leaves the cluster. */
    @Test
    void shouldLetExactlyTheRegisteredServicesOutOnHttps() {
        Set<String> withRows = new HashSet<>();
        registry().forEach(r -> withRows.add(r.service()));
        for (String target : Kustomize.TARGETS) {
            List<JsonNode> policies = Kustomize.objects(target, "NetworkPolicy");
            for (String service : KubernetesManifestsTests.SERVICES) {
                boolean external = false;
                for (JsonNode policy : policies) {
                    if (!selects(policy, service) || !policy.at("/spec/policyTypes").toString().contains("Egress")) {
                        continue;
                    }
                    for (JsonNode rule : policy.at("/spec/egress")) {
                        String where = target + " " + policy.at("/metadata/name").asText() + " → " + service;
                        assertThat(rule.has("to")).as(where + ": a rule to anywhere").isTrue();
                        boolean publicAddresses = false;
                        for (JsonNode to : rule.get("to")) {
                            if (to.has("ipBlock")) {
                                assertThat(to.at("/ipBlock/cidr").asText()).as(where).isEqualTo("0.0.0.0/0");
                                assertThat(to.at("/ipBlock/except")).extracting(JsonNode::asText).as(where)
                                        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
                                publicAddresses = true;
                            }
                        }
                        if (publicAddresses) {
                            assertThat(rule.get("ports")).as(where).singleElement()
                                    .satisfies(p -> assertThat(p.get("port").asInt()).isEqualTo(443));
                            external = true;
                        }
                    }
                }
                assertThat(external).as(target + ": " + service + " reaches public addresses on 443")
                        .isEqualTo(withRows.contains(service));
            }
        }
    }

    /** The registry's rows: | service | purpose | host | auth | env vars / config keys | circuit breaker |. */
    static List<Row> registry() {
        List<Row> rows = new ArrayList<>();
        List<String> header = null;
        for (String line : lines(REGISTRY)) {
            if (!line.startsWith("|") || line.startsWith("|---")) {
                continue;
            }
            List<String> cells = List.of(line.substring(1, line.lastIndexOf('|')).split("\\|", -1)).stream()
                    .map(String::trim).toList();
            if (header == null) {
                header = cells;
                assertThat(header).containsExactly("service", "purpose", "host", "auth", "env vars / config keys",
                        "circuit breaker");
                continue;
            }
            Set<String> hosts = new TreeSet<>();
            Matcher m = Pattern.compile("`([a-z0-9.-]+\\.[a-z]+)`").matcher(cells.get(2));
            while (m.find()) {
                hosts.add(m.group(1));
            }
            assertThat(hosts).as(line).isNotEmpty();
            assertThat(KubernetesManifestsTests.SERVICES).as(line).contains(cells.get(0));
            rows.add(new Row(cells.get(0), cells.get(1), hosts, cells.get(5)));
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }

    /** The public hosts {@code service} is configured to call, by default and as deployed (production overlay). */
    static Set<String> configuredHosts(String service) {
        List<String> values = new ArrayList<>();
        ServiceSources.applicationProperties(service).values().forEach(v -> values.add(v.toString()));
        String pom = read(ServiceSources.ROOT.resolve(service).resolve("pom.xml"));
        List<String> modules = new ArrayList<>(List.of(service));
        if (pom.contains("<artifactId>sync-core</artifactId>")) {
            modules.addAll(ServiceSources.SYNC_CORE);
        }
        values.addAll(ServiceSources.withDefaults(modules));
        JsonNode config = Kustomize.object("overlays/production", "ConfigMap", "interaction-sync-config");
        config.get("data").fields().forEachRemaining(e -> READ_BY.forEach((prefix, extension) -> {
            if (e.getKey().startsWith(prefix) && pom.contains("<artifactId>" + extension + "</artifactId>")) {
                values.add(e.getValue().asText());
            }
        }));
        Kustomize.object("overlays/production", "Deployment", service).at("/spec/template/spec/containers/0/env")
                .forEach(e -> values.add(e.path("value").asText()));
        Set<String> hosts = new TreeSet<>();
        for (String value : values) {
            Matcher m = HTTPS_HOST.matcher(value);
            while (m.find()) {
                String host = m.group(1);
                if (host.contains(".") && !host.endsWith(".svc") && !host.endsWith(".cluster.local")) {
                    hosts.add(host); // a name without a dot is a Service of this namespace
                }
            }
        }
        return hosts;
    }

    private static boolean selects(JsonNode policy, String service) {
        JsonNode selector = policy.at("/spec/podSelector");
        if (selector.isEmpty()) {
            return true;
        }
        if (service.equals(selector.at("/matchLabels/app.kubernetes.io~1name").asText())) {
            return true;
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            if (e.get("operator").asText().equals("In") && e.get("values").toString().contains("\"" + service + "\"")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> javaSources(List<String> modules) {
        List<String> sources = new ArrayList<>();
        for (String module : modules) {
            try (Stream<Path> files = Files.walk(ServiceSources.ROOT.resolve(module).resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.add(read(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    private static List<String> lines(Path file) {
        return read(file).lines().toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
