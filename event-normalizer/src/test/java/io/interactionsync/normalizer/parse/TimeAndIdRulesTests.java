package io.interactionsync.normalizer.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** R-A6 (times) and R-E1 (message identity). */
class TimeAndIdRulesTests {

    @Test
    void R_A6_internalDateIsEpochMillisUtc() {
        assertThat(MailDates.fromEpochMillis("1764003600000")).contains(Instant.parse("2025-11-24T17:00:00Z"));
        assertThat(MailDates.fromEpochMillis("not-a-number")).isEmpty();
        assertThat(MailDates.fromEpochMillis(null)).isEmpty();
    }

    @Test
    void R_A6_dateHeaderFallbackIsConvertedToUtcAndToleratesObsoleteForms() {
        assertThat(MailDates.fromDateHeader("Mon, 24 Nov 2025 18:00:00 +0100"))
                .contains(Instant.parse("2025-11-24T17:00:00Z"));
        assertThat(MailDates.fromDateHeader("24 Nov 2025 12:00:00 -0500")).as("no weekday")
                .contains(Instant.parse("2025-11-24T17:00:00Z"));
        assertThat(MailDates.fromDateHeader("Mon, 24 Nov 2025 12:00:00 EST")).as("named zone")
                .contains(Instant.parse("2025-11-24T17:00:00Z"));
        assertThat(MailDates.fromDateHeader("Mon, 24 Nov 25 17:00:00 GMT")).as("two-digit year")
                .contains(Instant.parse("2025-11-24T17:00:00Z"));
        assertThat(MailDates.fromDateHeader("Mon,  24 Nov 2025 17:00:00 +0000 (UTC)")).as("comment, extra space")
                .contains(Instant.parse("2025-11-24T17:00:00Z"));
        assertThat(MailDates.fromDateHeader("yesterday-ish")).isEmpty();
    }

    @Test
    void R_E1_messageIdIsTrimmedAndCasePreserved() {
        assertThat(MessageIds.trim("  <CAF=Abc123@Mail.Example>  ")).isEqualTo("CAF=Abc123@Mail.Example");
        assertThat(MessageIds.trim("   ")).isNull();
    }

    @Test
    void R_E1_syntheticIdWhenMissingIsStableAndPerMailbox() {
        String a = MessageIds.synthetic("alice@acme.test", "x@y.com", "Mon, 24 Nov 2025", List.of("b@c.com", "a@c.com"));
        String same = MessageIds.synthetic("alice@acme.test", "x@y.com", "Mon, 24 Nov 2025", List.of("a@c.com", "b@c.com"));
        String otherMailbox = MessageIds.synthetic("bob@acme.test", "x@y.com", "Mon, 24 Nov 2025", List.of("a@c.com", "b@c.com"));
        String otherDate = MessageIds.synthetic("alice@acme.test", "x@y.com", "Mon, 24 Nov 2025 10:01", List.of("a@c.com", "b@c.com"));
        assertThat(a).startsWith(MessageIds.SYNTHETIC_PREFIX).isEqualTo(same).isNotEqualTo(otherMailbox).isNotEqualTo(otherDate);
    }
}
