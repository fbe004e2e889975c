package io.interactionsync.connector.provider.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.connector.provider.IdTokenVerifier;
import io.interactionsync.connector.provider.ProviderException;
import io.interactionsync.connector.provider.ProviderException.Kind;
import io.interactionsync.connector.provider.ProviderIdentity;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

/** Google's claims on a verified id_token: a verified address, or no account. */
class GoogleIdTokenTests {

    private static final IdTokenVerifier VERIFIER = new IdTokenVerifier("Google",
            new JwksVerificationKeyResolver(new JsonWebKeySet().getJsonWebKeys()));

    private static JwtClaims claims(Object emailVerified) {
        JwtClaims c = new JwtClaims();
        c.setSubject("109876543210987654321");
        c.setStringClaim("email", "Alice@Acme.test");
        if (emailVerified != null) {
            c.setClaim("email_verified", emailVerified);
        }
        return c;
    }

    @Test
    void shouldTakeSubAndTheVerifiedAddressLowerCased() {
        ProviderIdentity identity = GoogleOAuthProvider.identity(claims(true), VERIFIER);
        assertThat(identity.subject()).isEqualTo("109876543210987654321");
        assertThat(identity.email()).isEqualTo("alice@acme.test");
    }

    @Test
    void shouldRefuseAnUnverifiedOrUnstatedAddress() {
        for (Object value : new Object[] {false, "false", null}) {
            assertThatThrownBy(() -> GoogleOAuthProvider.identity(claims(value), VERIFIER))
                    .isInstanceOfSatisfying(ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.EMAIL_NOT_VERIFIED));
        }
    }

    @Test
    void shouldRefuseATokenWithoutAnAddress() {
        JwtClaims c = claims(true);
        c.unsetClaim("email");
        assertThatThrownBy(() -> GoogleOAuthProvider.identity(c, VERIFIER))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.ID_TOKEN_INVALID));
    }
}
