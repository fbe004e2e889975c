package io.interactionsync.connector.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.rest.problem.ApiException;
import io.interactionsync.connector.security.ServiceClients.Caller;
import io.interactionsync.model.Provider;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** Which bearer is a service client: the token's client, audience and the allow-list decide, never its roles. */
class ServiceClientsTests {

    private static ConnectorConfig.InternalClient client(Set<String> providers, boolean readDataKeys) {
        return new ConnectorConfig.InternalClient() {
            @Override
            public Optional<Set<String>> providers() {
                return Optional.ofNullable(providers);
            }

            @Override
            public boolean readDataKeys() {
                return readDataKeys;
            }
        };
    }

    private static ConnectorConfig config() {
        Map<String, ConnectorConfig.InternalClient> clients = new LinkedHashMap<>();
        clients.put("google-sync-service", client(Set.of("google"), false));
        clients.put("microsoft-sync-service", client(Set.of("microsoft"), false));
        clients.put("event-normalizer", client(null, true));
        ConnectorConfig.Internal internal = new ConnectorConfig.Internal() {
            @Override
            public String audience() {
                return "interaction-sync-internal";
            }

            @Override
            public Map<String, ConnectorConfig.InternalClient> clients() {
                return clients;
            }
        };
        return (ConnectorConfig) Proxy.newProxyInstance(ConnectorConfig.class.getClassLoader(),
                new Class<?>[] {ConnectorConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "internal" -> internal;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private final ServiceClients clients = new ServiceClients(config());

    private static DefaultJWTCallerPrincipal token(Consumer<JwtClaims> claims) {
        JwtClaims c = new JwtClaims();
        c.setIssuer("http://127.0.0.1:8090/idp");
        c.setExpirationTimeMinutesInTheFuture(60);
        claims.accept(c);
        return new DefaultJWTCallerPrincipal(c);
    }

    private static Consumer<JwtClaims> client(String id) {
        return c -> {
            c.setSubject(id);
            c.setStringClaim("client_id", id);
            c.setStringClaim("azp", id);
            c.setAudience("interaction-sync-internal");
            c.setStringListClaim("groups", "service");
        };
    }

    @Test
    void shouldRecogniseAnAllowListedClientWithItsGrants() {
        Caller caller = clients.classify(token(client("google-sync-service")));
        assertThat(caller).isInstanceOfSatisfying(Caller.Service.class, s -> {
            assertThat(s.caller().clientId()).isEqualTo("google-sync-service");
            assertThat(s.caller().providers()).containsExactly(Provider.GOOGLE);
            s.caller().requireProvider(Provider.GOOGLE);
            assertThatThrownBy(() -> s.caller().requireProvider(Provider.MICROSOFT))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("provider_not_allowed"));
            assertThatThrownBy(() -> s.caller().requireDataKeyReader())
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("data_keys_not_allowed"));
        });
        assertThat(clients.classify(token(client("event-normalizer")))).isInstanceOfSatisfying(Caller.Service.class,
                s -> {
                    assertThat(s.caller().providers()).isEmpty();
                    s.caller().requireDataKeyReader();
                });
    }

    @Test
    void shouldTreatATokenWithoutClientIdAsAUserWhateverItsRoles() {
        assertThat(clients.classify(token(c -> {
            c.setSubject("google-sync-service");
            c.setStringListClaim("groups", "service", "admin");
            c.setAudience("interaction-sync-internal");
            c.setStringClaim("azp", "google-sync-service");
        }))).isInstanceOf(Caller.User.class);
    }

    @Test
    void shouldRejectAClientTokenThatIsInconsistentUnaddressedOrNotAllowed() {
        assertThat(clients.classify(token(client("google-sync-service").andThen(c -> c.setSubject("someone")))))
                .isInstanceOfSatisfying(Caller.RejectedClient.class, r -> assertThat(r.reason()).contains("sub"));
        assertThat(clients.classify(token(client("google-sync-service").andThen(c -> c.setStringClaim("azp", "x")))))
                .isInstanceOfSatisfying(Caller.RejectedClient.class, r -> assertThat(r.reason()).contains("azp"));
        assertThat(clients.classify(token(client("google-sync-service").andThen(c -> c.unsetClaim("aud")))))
                .isInstanceOfSatisfying(Caller.RejectedClient.class, r -> assertThat(r.reason()).contains("audience"));
        assertThat(clients.classify(token(client("google-sync-service").andThen(c -> c.setAudience("other", "x")))))
                .isInstanceOfSatisfying(Caller.RejectedClient.class, r -> assertThat(r.reason()).contains("audience"));
        assertThat(clients.classify(token(client("connector-service"))))
                .isInstanceOfSatisfying(Caller.RejectedClient.class, r -> assertThat(r.reason()).contains("not allowed"));
    }

    @Test
    void shouldAcceptAnAudienceListThatIncludesTheInternalOne() {
        assertThat(clients.classify(token(client("microsoft-sync-service")
                .andThen(c -> c.setAudience(List.of("https://graph.acme.test", "interaction-sync-internal"))))))
                .isInstanceOf(Caller.Service.class);
    }
}
