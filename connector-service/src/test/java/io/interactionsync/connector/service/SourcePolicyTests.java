package io.interactionsync.connector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.provider.OAuthProvider;
import io.interactionsync.connector.provider.OAuthProviders;
import io.interactionsync.connector.provider.google.GoogleOAuthProvider;
import io.interactionsync.connector.provider.google.GoogleScopes;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.quarkus.arc.InjectableInstance;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourcePolicyTests {

    /** A config whose every leaf is a default, except the three feature flags. */
    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type, boolean gmail, boolean calendar, boolean microsoft) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Class<?> r = method.getReturnType();
            return switch (method.getName()) {
                case "gmailMetadataSync" -> gmail;
                case "googleCalendarMetadataSync" -> calendar;
                case "microsoftSync" -> microsoft;
                case "timeout", "stateTtl", "refreshSkew" -> Duration.ofSeconds(10);
                case "toString" -> "stub";
                case "hashCode" -> 0;
                case "equals" -> proxy == args[0];
                default -> r == Optional.class ? Optional.empty() : r == String.class ? "x"
                        : r.isInterface() ? config(r, gmail, calendar, microsoft) : null;
            };
        });
    }

    private static SourcePolicy policy(boolean gmail, boolean calendar) {
        ConnectorConfig config = config(ConnectorConfig.class, gmail, calendar, true);
        OAuthProvider google = new GoogleOAuthProvider(config, Clock.systemUTC());
        @SuppressWarnings("unchecked")
        InjectableInstance<OAuthProvider> instance = (InjectableInstance<OAuthProvider>) Proxy.newProxyInstance(
                InjectableInstance.class.getClassLoader(), new Class<?>[] {InjectableInstance.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("forEach")) {
                        ((java.util.function.Consumer<OAuthProvider>) args[0]).accept(google);
                        return null;
                    }
                    if (method.getName().equals("iterator")) {
                        return List.of(google).iterator();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new SourcePolicy(config, new OAuthProviders(instance));
    }

    private static final List<String> BOTH = List.of("openid", GoogleScopes.GMAIL_METADATA, GoogleScopes.CALENDAR_READONLY);

    @Test
    void shouldEnableTheSourcesTheGrantedScopesAllow() {
        assertThat(policy(true, true).enabledSources(Provider.GOOGLE, BOTH))
                .containsExactly(Source.GMAIL, Source.GOOGLE_CALENDAR);
        assertThat(policy(true, true).enabledSources(Provider.GOOGLE, List.of(GoogleScopes.CALENDAR_READONLY)))
                .containsExactly(Source.GOOGLE_CALENDAR);
        assertThat(policy(true, true).enabledSources(Provider.GOOGLE, List.of("openid"))).isEmpty();
    }

    @Test
    void shouldHonourTheFeatureFlags() {
        assertThat(policy(false, true).enabledSources(Provider.GOOGLE, BOTH)).containsExactly(Source.GOOGLE_CALENDAR);
        assertThat(policy(true, false).enabledSources(Provider.GOOGLE, BOTH)).containsExactly(Source.GMAIL);
        assertThat(policy(false, false).enabledSources(Provider.GOOGLE, BOTH)).isEmpty();
    }
}
