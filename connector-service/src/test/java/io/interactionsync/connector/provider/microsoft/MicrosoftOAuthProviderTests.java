package io.interactionsync.connector.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.connector.config.ConnectorConfig;
import io.interactionsync.connector.provider.ProviderException.Kind;
import io.interactionsync.model.Source;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MicrosoftOAuthProviderTests {

    /** Microsoft settings as the real defaults, with a client id and secret. */
    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Class<?> r = method.getReturnType();
            return switch (method.getName()) {
                case "clientId" -> Optional.of("app-id");
                case "clientSecret" -> Optional.of("app-secret");
                case "authorityUrl" -> "https://login.microsoftonline.com/";
                case "tenant" -> "organizations";
                case "graphUrl" -> "https://graph.microsoft.com/v1.0";
                case "timeout", "stateTtl", "refreshSkew" -> Duration.ofSeconds(10);
                case "maxSharedMailboxes" -> 50;
                case "toString" -> "stub";
                case "hashCode" -> 0;
                case "equals" -> proxy == args[0];
                default -> r == Optional.class ? Optional.empty() : r == String.class ? "x"
                        : r == boolean.class ? true : r.isInterface() ? config(r) : null;
            };
        });
    }

    private final MicrosoftOAuthProvider provider = new MicrosoftOAuthProvider(config(ConnectorConfig.class),
            Clock.systemUTC());

    @Test
    void shouldClassifyAadstsCodesFromTheErrorDescription() {
        assertThat(kind("invalid_request", "AADSTS500208: The domain is not a valid login domain.")).isEqualTo(Kind.PERSONAL_ACCOUNT);
        assertThat(kind("invalid_request", "AADSTS500200: User account is a personal Microsoft account.")).isEqualTo(Kind.PERSONAL_ACCOUNT);
        assertThat(kind("invalid_grant", "AADSTS65001: The user or administrator has not consented.")).isEqualTo(Kind.CONSENT_REQUIRED);
        assertThat(kind("access_denied", "AADSTS90094: The grant requires admin permission.")).isEqualTo(Kind.CONSENT_REQUIRED);
        assertThat(kind("access_denied", "AADSTS90095: Admin consent is required (workflow).")).isEqualTo(Kind.CONSENT_REQUIRED);
        assertThat(kind("consent_required", null)).isEqualTo(Kind.CONSENT_REQUIRED);
        assertThat(kind("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked.")).isEqualTo(Kind.INVALID_GRANT);
        assertThat(kind("invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.")).isEqualTo(Kind.INVALID_GRANT);
        assertThat(kind("invalid_grant", "AADSTS70008: expired.")).isEqualTo(Kind.INVALID_GRANT);
        assertThat(kind("invalid_client", "AADSTS7000215: Invalid client secret provided.")).isEqualTo(Kind.MISCONFIGURED);
        assertThat(kind("temporarily_unavailable", null)).isEqualTo(Kind.UNAVAILABLE);
        assertThat(kind("access_denied", "AADSTS65004: User declined to consent.")).isEqualTo(Kind.REJECTED);
    }

    @Test
    void shouldBuildTheAdminConsentUrlForTheOrganizationsAudience() {
        String url = provider.authorizationError("access_denied", "AADSTS90094: admin", "https://portal.test/cb")
                .adminConsentUrl();
        assertThat(url).startsWith("https://login.microsoftonline.com/organizations/v2.0/adminconsent?client_id=app-id&scope=")
                .contains("redirect_uri=https%3A%2F%2Fportal.test%2Fcb", "&state=",
                        "https%3A%2F%2Fgraph.microsoft.com%2FMail.ReadBasic%20");
    }

    @Test
    void shouldMapScopeChoicesAndReadGrantedScopesInShortOrFullForm() {
        assertThat(provider.scopesFor(List.of("mail", "sharedMail"))).containsExactly("offline_access", "openid",
                "profile", "email", MicrosoftScopes.USER_READ, MicrosoftScopes.MAIL_READ_BASIC,
                MicrosoftScopes.MAIL_READ_BASIC_SHARED);
        assertThatThrownBy(() -> provider.scopesFor(List.of("contacts"))).isInstanceOf(IllegalArgumentException.class);

        assertThat(provider.sourcesAllowedBy(List.of("openid", "Mail.ReadBasic", "User.Read")))
                .containsExactly(Source.OUTLOOK_MAIL);
        assertThat(provider.sourcesAllowedBy(List.of(MicrosoftScopes.CALENDARS_READ_BASIC, "Mail.Read")))
                .containsExactlyInAnyOrder(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR);
        assertThat(provider.sourcesAllowedBy(List.of("Mail.ReadBasic.Shared"))).isEmpty();
        assertThat(provider.allowsSharedMailboxes(List.of("Mail.ReadBasic.Shared"))).isTrue();
        assertThat(provider.allowsSharedMailboxes(List.of("mail.read.shared"))).isTrue();
        assertThat(provider.allowsSharedMailboxes(List.of("Calendars.Read.Shared", "Mail.ReadBasic"))).isFalse();
    }

    @Test
    void shouldBuildAnAuthorizeUrlWithPkceAtTheConfiguredTenant() {
        String url = provider.authorizeUrl(new io.interactionsync.connector.provider.AuthorizationRequest(
                "https://portal.test/cb", List.of("openid", MicrosoftScopes.MAIL_READ_BASIC), "state-1234567890abcdef",
                "challenge"));
        assertThat(url).startsWith("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?")
                .contains("client_id=app-id", "code_challenge=challenge", "code_challenge_method=S256",
                        "response_type=code", "response_mode=query", "state=state-1234567890abcdef");
    }

    private Kind kind(String error, String description) {
        return provider.authorizationError(error, description, "https://portal.test/cb").kind();
    }
}
