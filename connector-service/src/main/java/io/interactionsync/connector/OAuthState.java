package io.interactionsync.connector;

import io.interactionsync.model.Provider;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An issued authorize-url {@code state}: bound to a user, expiring, usable once; holds the sealed PKCE verifier. */
@Entity
@Table(name = "oauth_states")
public class OAuthState extends PanacheEntityBase {

    @Id
    public String state;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Provider provider;

    @Column(name = "code_verifier_enc", nullable = false)
    public byte[] codeVerifierEnc;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(name = "redirect_uri", nullable = false)
    public String redirectUri;

    @Column(name = "requested_scopes", nullable = false)
    public String requestedScopes;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    public String verifierAad() {
        return "state/" + state;
    }

    @Override
    public String toString() {
        return "OAuthState[" + provider + ", expires " + expiresAt + "]";
    }
}
