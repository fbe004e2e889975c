package io.interactionsync.googlesync.source.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import io.interactionsync.googlesync.client.gmail.GmailGateway;
import io.interactionsync.googlesync.client.gmail.GmailPort;
import io.interactionsync.googlesync.config.GoogleSyncConfig;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.repository.GmailCursorRepository.KnownMessage;
import io.interactionsync.googlesync.repository.GmailCursorRepository.MessageState;
import io.interactionsync.sync.JobControl;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the audit's all-mail listing finds the horizon without fetching the mailbox behind it: known dates end it for
 * free, unknown ids are dated by a binary search of format=minimal probes, at most one page past the horizon is
 * listed, and a message that cannot be dated is passed on rather than lost.
 */
class GmailAuditListingTests {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant HORIZON = NOW.atOffset(ZoneOffset.UTC).minusMonths(24).toInstant();
    private static final int PAGE = 100;

    private final List<Message> mailbox = new ArrayList<>();
    private final Map<String, KnownMessage> known = new HashMap<>();
    private final Set<String> unreachable = new java.util.HashSet<>();
    private int pagesListed;
    private int probes;

    /** {@code within} messages inside the horizon, then {@code older} before it, newest first, one per hour. */
    private void mailbox(int within, int older) {
        for (int i = 0; i < within + older; i++) {
            Instant date = i < within ? HORIZON.plusSeconds(3600L * (within - i)) : HORIZON.minusSeconds(3600L * (i - within + 1));
            mailbox.add(new Message().setId("m" + i).setThreadId("m" + i).setInternalDate(date.toEpochMilli()));
        }
    }

    @Test
    void shouldCutUnknownIdsAtTheHorizonWithABinarySearchAndListAtMostOnePageBeyondIt() throws Exception {
        mailbox(1_234, 5_000);

        List<String> listed = list();

        assertThat(listed).hasSize(1_234).containsExactlyElementsOf(mailbox.subList(0, 1_234).stream()
                .map(Message::getId).toList());
        assertThat(pagesListed).as("the page holding the horizon is the last one listed").isEqualTo(13);
        // A probe at the end of each of the 12 pages before, then one at the end of page 13 and a binary search of it.
        assertThat(probes).isLessThanOrEqualTo(12 + 1 + 7);
    }

    @Test
    void shouldEndAtTheFirstKnownMessageOlderThanTheHorizonWithoutProbing() throws Exception {
        mailbox(450, 2_000);
        mailbox.forEach(m -> known.put(m.getId(), new KnownMessage(MessageState.LIVE, m.getThreadId(), m.getInternalDate())));
        known.put("m3", new KnownMessage(MessageState.EXCLUDED, "m3", mailbox.get(3).getInternalDate())); // a draft
        known.remove("m7"); // never published (lost): dated by the known ids around it
        known.remove("m200");

        List<String> listed = list();

        assertThat(listed).hasSize(449).doesNotContain("m3").contains("m7", "m200", "m449").doesNotContain("m450");
        assertThat(probes).as("unknown ids between known ones are dated by their neighbours").isZero();
        assertThat(pagesListed).isEqualTo(5);
    }

    @Test
    void shouldPassOnAMessageThatCannotBeDatedRatherThanCutBeforeIt() throws Exception {
        mailbox(150, 300);
        unreachable.add("m149");

        List<String> listed = list();

        assertThat(listed).hasSize(150).contains("m149");
    }

    private List<String> list() throws InterruptedException {
        GmailCursorRepository states = new GmailCursorRepository(null) {
            @Override
            public Map<String, KnownMessage> known(String accountId, Collection<String> ids) {
                Map<String, KnownMessage> out = new HashMap<>();
                ids.forEach(id -> {
                    if (known.containsKey(id)) {
                        out.put(id, known.get(id));
                    }
                });
                return out;
            }
        };
        GoogleSyncConfig config = new SmallRyeConfigBuilder().withMapping(GoogleSyncConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new MapBackedConfigSource("test", Map.of("google-sync.retry.max-attempts", "3"), 500) {
                }).build().getConfigMapping(GoogleSyncConfig.class);
        JobControl control = new JobControl() {
            @Override
            public boolean renewLease() {
                return true;
            }

            @Override
            public boolean stopRequested() {
                return false;
            }

            @Override
            public String owner() {
                return "test";
            }
        };
        GmailSession session = new GmailSession("acc-1", "u1", "a@acme.test", new Mailbox(), null);
        GmailAuditTarget target = new GmailAuditTarget(session, states, null, null, config, control, () -> { },
                Clock.fixed(NOW, ZoneOffset.UTC));
        List<String> listed = new ArrayList<>();
        target.listProvider(listed::add);
        return listed;
    }

    /** messages.list in pages of {@link #PAGE}, newest first; messages.get(minimal) counted. */
    private final class Mailbox implements GmailPort {
        @Override
        public ListMessagesResponse listAllMail(String pageToken) {
            pagesListed++;
            int from = pageToken == null ? 0 : Integer.parseInt(pageToken);
            int to = Math.min(mailbox.size(), from + PAGE);
            List<Message> page = mailbox.subList(from, to).stream()
                    .map(m -> new Message().setId(m.getId()).setThreadId(m.getThreadId())).toList();
            return new ListMessagesResponse().setMessages(page)
                    .setNextPageToken(to < mailbox.size() ? Integer.toString(to) : null);
        }

        @Override
        public Message getMessageMinimal(String id) {
            probes++;
            if (unreachable.contains(id)) {
                throw new io.interactionsync.sync.RetryLaterException("403 for this message", NOW);
            }
            return mailbox.stream().filter(m -> m.getId().equals(id)).findFirst()
                    .orElseThrow(() -> new GmailGateway.NotFoundException("gone"));
        }

        @Override
        public Profile profile() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Message getMessageMetadata(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public com.google.api.services.gmail.model.Thread getThreadMetadata(String threadId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ListHistoryResponse listHistory(String startHistoryId, String pageToken) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String serialize(Object resource) {
            throw new UnsupportedOperationException();
        }
    }
}
