package io.interactionsync.normalizer.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Event ids must not change: the per-thread digest gives exactly the JDK's name-based UUIDs. */
class Md5Tests {

    @Test
    void nameUuidIsTheJdksNameBasedUuid() {
        for (String name : new String[] {"", "u-1\u0000gmail\u000018c2\u0000ann@example.com\u0000from", "Jörg 😀",
                "x".repeat(10_000)}) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            assertThat(Md5.nameUuid(bytes)).as(name.length() > 40 ? name.substring(0, 40) : name)
                    .isEqualTo(UUID.nameUUIDFromBytes(bytes));
        }
        assertThat(Md5.nameUuid(new byte[] {1}).version()).isEqualTo(3);
    }
}
