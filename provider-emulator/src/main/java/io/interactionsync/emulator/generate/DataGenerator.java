package io.interactionsync.emulator.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.generate.Person.Kind;
import io.interactionsync.emulator.generate.Person.NameStyle;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.store.EmulatorStore;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GoogleUser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code POST /_emulator/generate}: a deterministic team with realistic mailboxes. Same request (seed, sizes,
 * domain, anchor) → the same users, message ids, headers and dates, byte for byte (history ids are assigned by
 * the mailboxes, so they match too on a fresh emulator).
 */
public final class DataGenerator {

    private final GenerateRequest request;

    public DataGenerator(GenerateRequest request) {
        this.request = request;
    }

    /** The generated team members (Google), before loading. */
    List<Person> team() {
        SplittableRandom random = new SplittableRandom(request.seed());
        List<Person> team = new ArrayList<>();
        Set<String> emails = new HashSet<>();
        for (int i = 0; i < request.googleUsers(); i++) {
            String name = Vocabulary.FIRST_NAMES.get(random.nextInt(Vocabulary.FIRST_NAMES.size())) + " "
                    + Vocabulary.LAST_NAMES.get(random.nextInt(Vocabulary.LAST_NAMES.size()));
            String local = MailGenerator.localPart(name, false);
            String email = local + "@" + request.domain();
            for (int n = 2; !emails.add(email); n++) {
                email = local + n + "@" + request.domain();
            }
            ZoneId zone = ZoneId.of(Vocabulary.TEAM_ZONES.get(i % Vocabulary.TEAM_ZONES.size()));
            team.add(new Person(name, email, zone, Kind.TEAM, NameStyle.PLAIN));
        }
        return team;
    }

    /** Everything generated for one request. */
    record Generated(List<Person> team, Map<Person, List<GmailMessage>> mailboxes, Map<Person, List<ObjectNode>> calendars) {
    }

    /** Generates every mailbox and calendar (without loading them anywhere). */
    Generated generate() {
        List<Person> team = team();
        Instant end = request.anchor();
        Instant start = end.atZone(ZoneOffset.UTC).minusMonths(request.months()).toInstant();
        MailGenerator mail = new MailGenerator(new SplittableRandom(request.seed() * 31 + 7), team, request.domain(), start, end);
        Map<Person, List<GmailMessage>> mailboxes = mail.generate(request.messagesPerMailbox());
        Map<Person, List<ObjectNode>> calendars = new CalendarGenerator(new SplittableRandom(request.seed() * 31 + 11),
                team, mail.contacts(), start, end).generate(request.eventsPerCalendar());
        return new Generated(team, mailboxes, calendars);
    }

    Map<Person, List<GmailMessage>> mailboxes() {
        return generate().mailboxes();
    }

    /** Replaces the generated users in the store and returns {@code {domain, anchor, seed, google: [...], microsoft: []}}. */
    public ObjectNode loadInto(EmulatorStore store) {
        Generated generated = generate();
        Map<Person, List<GmailMessage>> mailboxes = new LinkedHashMap<>(generated.mailboxes());
        ObjectNode result = Json.object();
        result.put("domain", request.domain());
        result.put("seed", request.seed());
        result.put("anchor", request.anchor().toString());
        ArrayNode google = result.putArray("google");
        for (Map.Entry<Person, List<GmailMessage>> e : mailboxes.entrySet()) {
            Person person = e.getKey();
            GoogleUser user = store.putGoogleUser(person.email(), person.name());
            user.mailbox().load(e.getValue());
            generated.calendars().getOrDefault(person, List.of()).forEach(user.calendar()::upsert);
            ObjectNode u = google.addObject();
            u.put("email", user.email());
            u.put("name", user.name());
            u.put("messages", user.mailbox().size());
            u.put("events", user.calendar().size());
        }
        result.putArray("microsoft");
        return result;
    }
}
