package io.interactionsync.googlesync.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.Source;
import io.interactionsync.sync.push.PushChannel;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Pub/Sub message parsing of {@code POST /push/gmail} and when the job sets a channel up. */
class GooglePushTests {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void shouldReadAGmailNotificationWhetherTheHistoryIdIsANumberOrAStringAndWhateverTheBase64Alphabet() {
        assertThat(GooglePushResource.GmailNotification.parse(push("{\"emailAddress\":\"Ann@Acme.test\",\"historyId\":9876543210123}",
                Base64.getEncoder()))).contains(new GooglePushResource.GmailNotification("ann@acme.test",
                new BigInteger("9876543210123")));
        assertThat(GooglePushResource.GmailNotification.parse(push("{\"emailAddress\":\"ann@acme.test\",\"historyId\":\"42\"}",
                Base64.getUrlEncoder().withoutPadding()))).map(n -> n.historyId().longValue()).contains(42L);
    }

    @Test
    void shouldRefuseWhatIsNotAGmailNotification() {
        for (String body : new String[] {null, "", "not json", "{}", "{\"message\":{}}",
                "{\"message\":{\"data\":\"%%%\"}}", push("{\"historyId\":1}", Base64.getEncoder()),
                push("{\"emailAddress\":\"a@b.test\"}", Base64.getEncoder()),
                push("{\"emailAddress\":\"a@b.test\",\"historyId\":\"x1\"}", Base64.getEncoder()),
                push("{\"emailAddress\":\"a@b.test\",\"historyId\":-1}", Base64.getEncoder()),
                push("{\"emailAddress\":\"a@b.test\",\"historyId\":{\"n\":1}}", Base64.getEncoder())}) {
            assertThat(GooglePushResource.GmailNotification.parse(body)).as(String.valueOf(body)).isEmpty();
        }
    }

    @Test
    void shouldSetUpAMissingFailedOrDueChannelButNeverOneStoppedForTheDisconnect() {
        assertThat(GooglePushChannels.due(Optional.empty(), NOW)).isTrue();
        assertThat(GooglePushChannels.due(Optional.of(channel(PushChannel.State.ACTIVE, NOW.plusSeconds(60), null)), NOW))
                .as("renewal not due yet").isFalse();
        assertThat(GooglePushChannels.due(Optional.of(channel(PushChannel.State.ACTIVE, NOW, null)), NOW)).isTrue();
        assertThat(GooglePushChannels.due(Optional.of(channel(PushChannel.State.FAILED, NOW.plusSeconds(60), "x")), NOW))
                .as("a failure is retried at its retry time, not by every run").isFalse();
        assertThat(GooglePushChannels.due(Optional.of(channel(PushChannel.State.FAILED, NOW.minusSeconds(1), "x")), NOW))
                .isTrue();
        assertThat(GooglePushChannels.due(Optional.of(channel(PushChannel.State.STOPPED, null,
                GooglePushChannels.DISCONNECTED)), NOW)).isFalse();
        assertThat(GooglePushChannels.due(Optional.of(channel(PushChannel.State.STOPPED, null, "gone")), NOW)).isTrue();
    }

    private static PushChannel channel(PushChannel.State state, Instant renewAt, String lastError) {
        return new PushChannel("acc-1", Source.GMAIL, "", "gmail:acc-1", "ann@acme.test", null, state,
                NOW.plusSeconds(3600), renewAt, NOW.minusSeconds(60), null, NOW, lastError);
    }

    private static String push(String data, Base64.Encoder encoder) {
        return "{\"message\":{\"data\":\"" + encoder.encodeToString(data.getBytes(StandardCharsets.UTF_8))
                + "\",\"messageId\":\"1\"},\"subscription\":\"projects/p/subscriptions/s\"}";
    }
}
