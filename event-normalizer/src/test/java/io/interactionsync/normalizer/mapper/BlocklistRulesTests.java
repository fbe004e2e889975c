package io.interactionsync.normalizer.mapper;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.model.InteractionEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.rules.Blocklists;
import io.interactionsync.normalizer.service.BatchNormalizer;
import io.interactionsync.normalizer.service.BatchNormalizer.Lookups;
import io.interactionsync.normalizer.service.BatchNormalizer.Plan;
import io.interactionsync.normalizer.service.BatchNormalizer.RemoteKey;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.RecordDecoder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Blocklists (issue 17 item 2) at mapping time: entries, matching, the user's and the team's lists. */
class BlocklistRulesTests {

    private final BatchNormalizer normalizer = new BatchNormalizer(
            new RecordDecoder(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC)), Mappers.all());
    private long offset;

    private IncomingRecord in(RawRecord value) {
        try {
            return new IncomingRecord("raw-records", 0, offset++, GmailFixtures.ACCOUNT, Json.mapper().writeValueAsBytes(value));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Blocklists.Matcher matcher(String... entries) {
        return new Blocklists(Map.of("u", Set.of(entries)), List.of()).forUser("u", Set.of());
    }

    @Test
    void entriesAreStoredAsIdentityKeysAndNormalisedDomains() {
        assertThat(Blocklists.normalizeEntry(" Bob@Client.EXAMPLE ")).contains("bob@client.example");
        assertThat(Blocklists.normalizeEntry("John.Doe+news@gmail.com")).contains("johndoe@gmail.com");
        assertThat(Blocklists.normalizeEntry("@Corp.Example.")).contains("@corp.example");
        assertThat(Blocklists.normalizeEntry("@bücher.example")).contains("@xn--bcher-kva.example");
        assertThat(Blocklists.normalizeEntry("@@corp.example")).isEmpty();
        assertThat(Blocklists.normalizeEntry("not an address")).isEmpty();
        assertThat(Blocklists.normalizeEntry("@")).isEqualTo(Optional.empty());
        assertThat(Blocklists.normalizeEntry(null)).isEmpty();
    }

    @Test
    void anAddressEntryMatchesTheContactsIdentityAndADomainEntryItsSubdomains() {
        Blocklists.Matcher m = matcher("bob@client.example", "johndoe@gmail.com", "@corp.example");
        assertThat(m.blocks("bob@client.example")).isTrue();
        assertThat(m.blocks("bobby@client.example")).isFalse();
        assertThat(m.blocks("john.doe+x@gmail.com")).isTrue();
        assertThat(m.blocks("x@corp.example")).isTrue();
        assertThat(m.blocks("x@eu.mail.corp.example")).isTrue();
        assertThat(m.blocks("x@notcorp.example")).isFalse();
        assertThat(m.blocks("x@corp.example.org")).isFalse();
        assertThat(matcher().blocks("bob@client.example")).isFalse();
        assertThat(Blocklists.Matcher.NOTHING.isEmpty()).isTrue();
    }

    @Test
    void aTeamListAppliesOnlyToUsersWithAnOwnerAddressAmongItsMembers() {
        Blocklists lists = new Blocklists(Map.of("alice", Set.of("own@x.example")),
                List.of(new Blocklists.Team("team", Set.of("alice@acme.test", "bob@acme.test"), Set.of("@spy.example"))));
        assertThat(lists.forUser("alice", Set.of("alice@acme.test")).blocks("eve@spy.example")).isTrue();
        assertThat(lists.forUser("alice", Set.of("alice@acme.test")).blocks("own@x.example")).isTrue();
        assertThat(lists.forUser("bob", Set.of("bob@acme.test")).blocks("eve@spy.example")).isTrue();
        assertThat(lists.forUser("bob", Set.of("bob@acme.test")).blocks("own@x.example")).as("alice's own list").isFalse();
        assertThat(lists.forUser("carol", Set.of("carol@acme.test")).blocks("eve@spy.example")).isFalse();
    }

    @Test
    void blockedContactsGetNoEventsWhileTheOthersOfTheSameMessageDo() {
        RawRecord received = message("m1").labels("INBOX").from("eve@spy.example").to("alice@acme.test")
                .cc("jane@client.example, bob@client.example").record();
        RawRecord sent = message("m2").labels("SENT").from("alice@acme.test").to("bob@client.example").record();
        Lookups lookups = Lookups.EMPTY.withBlocklists(new Blocklists(Map.of(GmailFixtures.USER, Set.of("bob@client.example")),
                List.of(new Blocklists.Team("team", Set.of("alice@acme.test"), Set.of("@spy.example")))));

        Plan plan = normalizer.plan(normalizer.prepare(List.of(in(received), in(sent))), lookups);

        assertThat(plan.desired().get(new RemoteKey(GmailFixtures.USER, Source.GMAIL, "m1")))
                .extracting(InteractionEvent::contactEmail).containsExactly("jane@client.example");
        assertThat(plan.desired().get(new RemoteKey(GmailFixtures.USER, Source.GMAIL, "m2"))).isEmpty();
        assertThat(plan.stats().blocked()).isEqualTo(3);
        assertThat(plan.versions()).as("the records were processed: they keep their versions").hasSize(2);

        Plan unblocked = normalizer.plan(normalizer.prepare(List.of(in(received), in(sent))), Lookups.EMPTY);
        assertThat(unblocked.stats().blocked()).isZero();
        assertThat(unblocked.desired().get(new RemoteKey(GmailFixtures.USER, Source.GMAIL, "m1"))).hasSize(3);
    }
}
