package io.interactionsync.connector.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenCipherTests {

    private static String key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private final String oldKey = key();
    private final String newKey = key();

    @Test
    void shouldRoundTripWithAssociatedData() {
        TokenCipher cipher = new TokenCipher(Keyring.parse("k1:" + oldKey));
        byte[] sealed = cipher.seal("ya29.secret-token", "acc/access");
        assertThat(cipher.open(sealed, "k1", "acc/access")).isEqualTo("ya29.secret-token");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret-token");
    }

    @Test
    void shouldUseAFreshNoncePerValue() {
        TokenCipher cipher = new TokenCipher(Keyring.parse("k1:" + oldKey));
        byte[] a = cipher.seal("same", "x");
        byte[] b = cipher.seal("same", "x");
        assertThat(a).isNotEqualTo(b);
        assertThat(java.util.Arrays.copyOf(a, 12)).isNotEqualTo(java.util.Arrays.copyOf(b, 12));
    }

    @Test
    void shouldRefuseAValueMovedToAnotherRowOrColumn() {
        TokenCipher cipher = new TokenCipher(Keyring.parse("k1:" + oldKey));
        byte[] sealed = cipher.seal("token", "row-1/access");
        assertThatThrownBy(() -> cipher.open(sealed, "k1", "row-2/access"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("token\"");
    }

    @Test
    void shouldDecryptRowsOfARetiredKeyAndWriteWithTheActiveOne() {
        TokenCipher before = new TokenCipher(Keyring.parse("k1:" + oldKey));
        byte[] old = before.seal("refresh-1", "a/refresh");
        TokenCipher after = new TokenCipher(Keyring.parse("k2:" + newKey + ",k1:" + oldKey));
        assertThat(after.activeKeyId()).isEqualTo("k2");
        assertThat(after.open(old, "k1", "a/refresh")).isEqualTo("refresh-1");
        assertThat(after.open(after.seal("refresh-2", "a/refresh"), "k2", "a/refresh")).isEqualTo("refresh-2");
    }

    @Test
    void shouldFailClearlyWhenTheKeyringIsMissing() {
        assertThatThrownBy(() -> Keyring.parse(null))
                .hasMessageContaining("connector.token-encryption.keyring is not set");
        assertThatThrownBy(() -> Keyring.parse(" "))
                .hasMessageContaining("connector.token-encryption.keyring is not set");
    }

    @Test
    void shouldFailClearlyWhenAKeyIsNot32BytesWithoutPrintingIt() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> Keyring.parse("k1:" + shortKey))
                .hasMessageContaining("key 'k1' is 16 bytes; AES-256 needs exactly 32")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> Keyring.parse("k1:not base64!"))
                .hasMessageContaining("not valid Base64");
        assertThatThrownBy(() -> Keyring.parse("justakey"))
                .hasMessageContaining("'kid:base64key'");
        assertThatThrownBy(() -> Keyring.parse("k1:" + oldKey + ",k1:" + newKey))
                .hasMessageContaining("appears twice");
    }

    @Test
    void shouldNameTheMissingKeyWhenARowUsesAnUnknownKeyId() {
        TokenCipher cipher = new TokenCipher(Keyring.parse("k1:" + oldKey));
        byte[] sealed = cipher.seal("t", "a");
        assertThatThrownBy(() -> cipher.open(sealed, "k0", "a")).hasMessageContaining("'k0'");
    }
}
