package io.interactionsync.normalizer.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Source;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ResourceIds} against values PostgreSQL computed with V10's expression (NormalizerPipelineIT checks live rows). */
class ResourceIdsTests {

    @Test
    void equalsWhatPostgreSqlComputesForTheMigration() {
        // select (left(md5('acc-1'), 8) || substr(md5('acc-1' || E'\n' || 'gmail' || E'\n' || 'm-1'), 9))::uuid, …
        assertThat(ResourceIds.of("acc-1", Source.GMAIL, "m-1"))
                .isEqualTo(UUID.fromString("fbf7ea52-d483-4fe5-662c-09843c47bc8d"));
        assertThat(ResourceIds.of("acc-1", Source.OUTLOOK_MAIL, "AAMkAD=="))
                .isEqualTo(UUID.fromString("fbf7ea52-f185-5b61-22f7-535409d032c8"));
        assertThat(ResourceIds.of("acc-2", Source.GMAIL, "m-1"))
                .isEqualTo(UUID.fromString("9d8c2e9e-5b71-3a5b-702e-29860201d13c"));
    }

    @Test
    void oneAccountsResourcesShareTheFirst32BitsAndDifferInTheRest() {
        UUID a = ResourceIds.of("acc-1", Source.GMAIL, "m-1");
        UUID b = ResourceIds.of("acc-1", Source.GMAIL, "m-2");
        UUID c = ResourceIds.of("acc-1", Source.GOOGLE_CALENDAR, "m-1");
        assertThat(b.getMostSignificantBits() >>> 32).isEqualTo(a.getMostSignificantBits() >>> 32);
        assertThat(c.getMostSignificantBits() >>> 32).isEqualTo(a.getMostSignificantBits() >>> 32);
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(b).isNotEqualTo(c);
        assertThat(ResourceIds.of("acc-1", Source.GMAIL, "m-1")).as("stable").isEqualTo(a);
    }
}
