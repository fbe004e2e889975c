package io.interactionsync.googlesync.client.gmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.googlesync.client.GoogleScopes;
import com.sun.net.httpserver.HttpServer;
import io.interactionsync.sync.connector.AccessTokenHolder;
import io.interactionsync.sync.connector.AccountToken;
import io.interactionsync.sync.connector.ConnectorClient;
import io.interactionsync.sync.connector.ConnectorRestClient;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.metrics.SyncMetrics;
import io.interactionsync.googlesync.pacing.QuotaPacer;
import io.interactionsync.sync.RetryLaterException;
import io.interactionsync.sync.SourceFailedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's retry, backoff and token handling against a scripted HTTP server speaking Gmail's error bodies
 * (the emulator cannot inject faults yet). The official SDK makes the calls.
 */
class GmailGatewayTests {

    private static final String MESSAGE = "{\"id\":\"m1\",\"threadId\":\"t1\",\"labelIds\":[\"INBOX\"],\"internalDate\":\"1700000000000\"}";

    private HttpServer server;
    private final Deque<String[]> script = new ArrayDeque<>(); // {status, body}
    private final List<String> authorizations = new ArrayList<>();
    private final AtomicInteger connectorCalls = new AtomicInteger();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            synchronized (authorizations) {
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            }
            String[] next = script.isEmpty() ? new String[] {"200", MESSAGE} : script.poll();
            byte[] body = next[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(Integer.parseInt(next[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldBackOffOnPerUserThrottlingAndSucceed() throws Exception {
        script.add(new String[] {"429", "{\"error\":{\"code\":429,\"message\":\"Too many concurrent requests for user\","
                + "\"errors\":[{\"domain\":\"global\",\"reason\":\"rateLimitExceeded\"}],\"status\":\"RESOURCE_EXHAUSTED\"}}"});
        script.add(new String[] {"403", "{\"error\":{\"errors\":[{\"domain\":\"usageLimits\",\"reason\":\"userRateLimitExceeded\","
                + "\"message\":\"User Rate Limit Exceeded\"}],\"code\":403,\"message\":\"User Rate Limit Exceeded\"}}"});

        assertThat(gateway("good").getMessageMetadata("m1").getId()).isEqualTo("m1");

        assertThat(registry.get("googlesync.gmail.rate_limited").counters()).hasSize(2);
        assertThat(authorizations).hasSize(3).allMatch("Bearer good"::equals);
    }

    @Test
    void shouldHonourTheRetryTimeInTheMessage() throws Exception {
        Instant retryAt = Instant.now().plusMillis(400);
        script.add(new String[] {"403", "{\"error\":{\"errors\":[{\"domain\":\"usageLimits\",\"reason\":\"rateLimitExceeded\","
                + "\"message\":\"x\"}],\"code\":403,\"message\":\"Quota exceeded for quota metric 'Queries' and limit "
                + "'Queries per minute per user' of service 'gmail.googleapis.com'. Retry after " + retryAt + "\"}}"});

        gateway("good").getMessageMetadata("m1");

        assertThat(Instant.now()).isAfterOrEqualTo(retryAt);
    }

    @Test
    void shouldRescheduleInsteadOfWaitingLongForARetryTimeFarAhead() {
        Instant retryAt = Instant.now().plusSeconds(600);
        script.add(new String[] {"403", "{\"error\":{\"errors\":[{\"reason\":\"rateLimitExceeded\"}],\"code\":403,"
                + "\"message\":\"Queries per minute per user exceeded. Retry after " + retryAt + "\"}}"});

        assertThatThrownBy(() -> gateway("good").getMessageMetadata("m1"))
                .isInstanceOfSatisfying(RetryLaterException.class,
                        e -> assertThat(e.notBefore()).isAfterOrEqualTo(retryAt.minusMillis(1)));
    }

    @Test
    void shouldRetryServerErrorsAndGiveUpForLaterAfterMaxAttempts() {
        for (int i = 0; i < 10; i++) {
            script.add(new String[] {"503", "{\"error\":{\"code\":503,\"message\":\"Backend Error\",\"errors\":[{\"reason\":\"backendError\"}]}}"});
        }
        assertThatThrownBy(() -> gateway("good").getMessageMetadata("m1")).isInstanceOf(RetryLaterException.class);
        assertThat(authorizations).hasSize(3); // max-attempts=3 in this test
    }

    @Test
    void shouldAskTheConnectorOnceForAFreshTokenAfterA401() throws Exception {
        script.add(new String[] {"401", "{\"error\":{\"code\":401,\"message\":\"Invalid Credentials\",\"errors\":[{\"reason\":\"authError\"}]}}"});

        assertThat(gateway("token-stale").getMessageMetadata("m1").getId()).isEqualTo("m1");

        assertThat(connectorCalls).hasValue(1);
        assertThat(authorizations).containsExactly("Bearer token-stale", "Bearer token-fresh");
    }

    @Test
    void shouldFailTheSourceWhenTheFreshTokenIsRejectedToo() {
        String unauthorized = "{\"error\":{\"code\":401,\"message\":\"Invalid Credentials\",\"errors\":[{\"reason\":\"authError\"}]}}";
        script.add(new String[] {"401", unauthorized});
        script.add(new String[] {"401", unauthorized});

        assertThatThrownBy(() -> gateway("token-stale").getMessageMetadata("m1"))
                .isInstanceOf(SourceFailedException.class).hasMessageContaining("401").hasMessageNotContaining("token-");
        assertThat(connectorCalls).hasValue(1);
    }

    @Test
    void shouldSurfaceA404AsNotFound() {
        script.add(new String[] {"404", "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"errors\":[{\"reason\":\"notFound\"}]}}"});
        assertThatThrownBy(() -> gateway("good").getMessageMetadata("m1")).isInstanceOf(GmailGateway.NotFoundException.class);
    }

    private GmailGateway gateway(String initialToken) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GoogleSyncConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new MapBackedConfigSource("test", Map.of(
                        "google-sync.gmail.root-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/",
                        "google-sync.retry.max-attempts", "3",
                        "google-sync.retry.initial-backoff", "10ms",
                        "google-sync.retry.max-backoff", "40ms",
                        "google-sync.retry.max-inline-wait", "5s"), 500) {
                }).build();
        GoogleSyncConfig sync = config.getConfigMapping(GoogleSyncConfig.class);
        SyncMetrics metrics = new SyncMetrics(registry);
        ConnectorRestClient rest = (accountId, request) -> {
            connectorCalls.incrementAndGet();
            return new ConnectorRestClient.AccessTokenResponse(accountId, "u1", "google", "a@acme.test", "token-fresh",
                    Instant.now().plusSeconds(3600), List.of(GoogleScopes.GMAIL));
        };
        ConnectorClient connector = new ConnectorClient(rest);
        AccessTokenHolder tokens = new AccessTokenHolder(connector, new AccountToken("acc-1", "u1", "google", "a@acme.test",
                initialToken, Instant.now().plusSeconds(3600), List.of(GoogleScopes.GMAIL)), Clock.systemUTC());
        return new GmailGatewayFactory(sync, new GmailApiClient(io.interactionsync.sync.breaker.ProviderCircuitBreaker.unguarded(GmailApiClient.BREAKER)), new QuotaPacer(sync, metrics, (io.interactionsync.googlesync.pacing.SharedQuota) null), metrics).create(tokens);
    }
}
