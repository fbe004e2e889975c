package io.interactionsync.normalizer.parse;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * MD5 for the normalizer's derived ids, with one digest per thread: {@code MessageDigest.getInstance} (and so
 * {@link UUID#nameUUIDFromBytes}) looks the provider up and checks algorithm constraints on every call, which cost
 * 3.5 % of the normalizer's samples when every event id paid it.
 */
public final class Md5 {

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    });

    private Md5() {
    }

    public static byte[] digest(byte[] input) {
        return DIGEST.get().digest(input);
    }

    /** The same value as {@link UUID#nameUUIDFromBytes}: an RFC 4122 version 3 (MD5, name-based) UUID. */
    public static UUID nameUuid(byte[] name) {
        byte[] md5 = digest(name);
        md5[6] = (byte) (md5[6] & 0x0f | 0x30); // version 3
        md5[8] = (byte) (md5[8] & 0x3f | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = msb << 8 | md5[i] & 0xff;
            lsb = lsb << 8 | md5[i + 8] & 0xff;
        }
        return new UUID(msb, lsb);
    }
}
