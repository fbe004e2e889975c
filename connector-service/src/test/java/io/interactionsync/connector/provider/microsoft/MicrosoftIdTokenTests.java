package io.interactionsync.connector.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.connector.provider.IdTokenVerifier;
import io.interactionsync.connector.provider.ProviderException;
import io.interactionsync.connector.provider.ProviderException.Kind;
import io.interactionsync.connector.provider.ProviderIdentity;
import java.util.function.Consumer;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

/** Microsoft's claims on a verified id_token: issuer of the token's own tenant, GUID tid and oid, work accounts only. */
class MicrosoftIdTokenTests {

    private static final IdTokenVerifier VERIFIER = new IdTokenVerifier("Microsoft",
            new JwksVerificationKeyResolver(new JsonWebKeySet().getJsonWebKeys()));
    private static final String TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String OID = "00000000-0000-0000-66f3-3332eca7ea81";
    private static final String TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0";

    private static JwtClaims claims(Consumer<JwtClaims> change) {
        JwtClaims c = new JwtClaims();
        c.setIssuer("https://login.microsoftonline.com/" + TID + "/v2.0");
        c.setStringClaim("tid", TID);
        c.setStringClaim("oid", OID);
        c.setStringClaim("preferred_username", "Dana@Contoso.test");
        change.accept(c);
        return c;
    }

    private static Kind refusal(JwtClaims claims, String tenant) {
        try {
            MicrosoftOAuthProvider.identity(claims, tenant, VERIFIER);
        } catch (ProviderException e) {
            return e.kind();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void shouldKeyTheAccountByOidAndTid() {
        ProviderIdentity identity = MicrosoftOAuthProvider.identity(claims(c -> { }), "organizations", VERIFIER);
        assertThat(identity.subject()).isEqualTo(OID + "." + TID);
        assertThat(identity.email()).isEqualTo("dana@contoso.test");
    }

    @Test
    void shouldAcceptOnlyTheIssuerOfTheTokensOwnTenant() throws Exception {
        IdTokenVerifier.IssuerRule rule = MicrosoftOAuthProvider.issuerOfTenant(TEMPLATE);
        JwtClaims own = claims(c -> { });
        assertThat(rule.accepts(own.getIssuer(), own)).isTrue();
        // a token of tenant B claiming to come from tenant A's issuer (or the reverse)
        JwtClaims other = claims(c -> c.setIssuer("https://login.microsoftonline.com/"
                + "11111111-2222-3333-4444-555555555555/v2.0"));
        assertThat(rule.accepts(other.getIssuer(), other)).isFalse();
        JwtClaims noTid = claims(c -> c.unsetClaim("tid"));
        assertThat(rule.accepts(noTid.getIssuer(), noTid)).isFalse();
    }

    @Test
    void shouldRefuseMissingOrMalformedTidAndOid() {
        assertThat(refusal(claims(c -> c.unsetClaim("oid")), "organizations")).isEqualTo(Kind.ID_TOKEN_INVALID);
        assertThat(refusal(claims(c -> c.unsetClaim("tid")), "organizations")).isEqualTo(Kind.ID_TOKEN_INVALID);
        assertThat(refusal(claims(c -> c.setStringClaim("tid", "contoso")), "organizations")).isEqualTo(Kind.ID_TOKEN_INVALID);
        assertThat(refusal(claims(c -> c.setStringClaim("oid", "")), "organizations")).isEqualTo(Kind.ID_TOKEN_INVALID);
        assertThat(refusal(claims(c -> c.unsetClaim("preferred_username")), "organizations")).isEqualTo(Kind.ID_TOKEN_INVALID);
    }

    @Test
    void shouldRefusePersonalAccountsAndOtherTenantsWhenOneIsConfigured() {
        assertThat(refusal(claims(c -> c.setStringClaim("tid", MicrosoftErrors.CONSUMER_TENANT_ID)), "organizations"))
                .isEqualTo(Kind.PERSONAL_ACCOUNT);
        assertThat(refusal(claims(c -> { }), "11111111-2222-3333-4444-555555555555")).isEqualTo(Kind.ID_TOKEN_INVALID);
        assertThat(MicrosoftOAuthProvider.identity(claims(c -> { }), TID, VERIFIER).subject()).endsWith(TID);
    }

    @Test
    void shouldNotSayWhoTheTokenWasForWhenRefusing() {
        assertThatThrownBy(() -> MicrosoftOAuthProvider.identity(claims(c -> c.unsetClaim("oid")), "organizations",
                VERIFIER)).hasMessageNotContaining("dana");
    }
}
