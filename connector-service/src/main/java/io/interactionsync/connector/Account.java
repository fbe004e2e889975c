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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A connected provider account of a portal user. Token columns hold AES-256-GCM ciphertexts (see
 * {@link io.interactionsync.connector.crypto.TokenCipher}); {@link #toString()} never prints them.
 */
@Entity
@Table(name = "accounts")
public class Account extends PanacheEntityBase {

    public enum Status { ACTIVE, REAUTH_REQUIRED, DISCONNECTED }

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Provider provider;

    @Column(name = "provider_user_id", nullable = false)
    public String providerUserId;

    @Column(nullable = false)
    public String email;

    /** Granted scopes, space-separated. */
    @Column(nullable = false)
    public String scopes;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "token_key_id")
    public String tokenKeyId;

    @Column(name = "access_token_enc")
    public byte[] accessTokenEnc;

    @Column(name = "refresh_token_enc")
    public byte[] refreshTokenEnc;

    @Column(name = "access_token_expires_at")
    public Instant accessTokenExpiresAt;

    /** Feature flags switched off for this account only, space-separated (see {@code FeatureFlag}). */
    @Column(name = "disabled_features", nullable = false)
    public String disabledFeatures = "";

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public List<String> scopeList() {
        return scopes == null || scopes.isBlank() ? List.of() : Arrays.asList(scopes.trim().split("\\s+"));
    }

    public java.util.Set<String> disabledFeatureSet() {
        return disabledFeatures == null || disabledFeatures.isBlank() ? java.util.Set.of()
                : java.util.Set.of(disabledFeatures.trim().split("\\s+"));
    }

    /** Associated data binding a sealed access token to this row. */
    public String accessTokenAad() {
        return id + "/access";
    }

    /** Associated data binding a sealed refresh token to this row. */
    public String refreshTokenAad() {
        return id + "/refresh";
    }

    @Override
    public String toString() {
        return "Account[" + id + ", " + provider + ", " + status + "]";
    }
}
