package io.interactionsync.normalizer.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast path of {@link IsoInstants} says exactly what {@link Instant#parse} says, or leaves the text to it. */
class IsoInstantsTests {

    @Test
    void everyInstantAsToStringWritesItParsesBackExactly() {
        SplittableRandom random = new SplittableRandom(42);
        Instant min = Instant.parse("0000-01-01T00:00:00Z"), max = Instant.parse("9999-12-31T23:59:59.999999999Z");
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(min.getEpochSecond(), max.getEpochSecond() + 1);
            int nanos = switch (i % 4) { // Instant.toString writes 0, 3, 6 or 9 fraction digits
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(IsoInstants.parse(instant.toString())).isEqualTo(instant);
        }
    }

    @Test
    void otherFractionLengthsLeapDaysAndEdgesAgreeWithInstantParse() {
        for (String s : List.of("2026-11-27T01:30:01.1Z", "2026-11-27T01:30:01.12345Z", "2026-11-27T01:30:01.12345678Z",
                "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                "2026-11-27T01:30:01+01:00", "2026-11-27T01:30:01.5+05:30", "2026-12-31T23:59:60Z", "+12026-11-27T01:30:01Z",
                // lenient forms Instant.parse accepts: an empty fraction, 24:00, a lower-case zone letter
                "2026-11-27T01:30:01.Z", "2026-11-27T24:00:00Z", "2026-11-27T01:30:01z")) {
            assertThat(IsoInstants.parse(s)).as(s).isEqualTo(Instant.parse(s));
        }
    }

    @Test
    void textThatInstantParseRejectsIsRejectedTheSameWay() {
        for (String s : List.of("", "2026-11-27", "2026-11-27T01:30:01", "2026-11-27T01:30:01.1234567890Z",
                "2026-13-27T01:30:01Z", "2026-00-27T01:30:01Z", "2025-02-29T01:30:01Z", "2026-04-31T01:30:01Z",
                "2026-11-00T01:30:01Z", "2026-11-27T24:00:01Z", "2026-11-27T01:60:01Z", "2026-11-27T01:30:61Z",
                "2026-11-27 01:30:01Z", "2026-1a-27T01:30:01Z", "2026-11-27T01:30:01.12a4Z",
                "२०२६-11-27T01:30:01Z", "-026-11-27T01:30:01Z")) {
            assertThatThrownBy(() -> Instant.parse(s)).as("Instant.parse(%s)", s).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> IsoInstants.parse(s)).as("IsoInstants.parse(%s)", s)
                    .isInstanceOf(DateTimeParseException.class);
        }
    }
}
