package io.interactionsync.emulator.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.generate.Person.Kind;
import io.interactionsync.emulator.generate.Person.NameStyle;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.store.EmulatorStore;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GoogleUser;
import io.interactionsync.emulator.store.GraphCalendar;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.MicrosoftUser;
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

    /** The generated team members: Google users first, then Microsoft users, then (with any) the shared mailbox. */
    List<Person> team() {
        SplittableRandom random = new SplittableRandom(request.seed());
        List<Person> team = new ArrayList<>();
        Set<String> emails = new HashSet<>();
        for (int i = 0; i < request.googleUsers() + request.microsoftUsers(); i++) {
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
        if (request.microsoftUsers() > 0) {
            team.add(new Person("Deal Flow", sharedMailbox(), ZoneId.of("UTC"), Kind.TEAM, NameStyle.QUOTED));
        }
        return team;
    }

    /** The shared mailbox every generated Microsoft user has FullAccess to. */
    String sharedMailbox() {
        return "dealflow@" + request.domain();
    }

    boolean isMicrosoft(List<Person> team, Person person) {
        int index = team.indexOf(person);
        return index >= request.googleUsers() && index < request.googleUsers() + request.microsoftUsers();
    }

    /** Everything generated for one request. */
    record Generated(List<Person> team, Map<Person, List<GmailMessage>> mailboxes, Map<Person, List<ObjectNode>> calendars) {
    }

    /** Generates every mailbox and calendar (without loading them anywhere). */
    Generated generate() {
        List<Person> team = team();
        Instant end = request.anchor();
        Instant start = end.atZone(ZoneOffset.UTC).minusMonths(request.months()).toInstant();
        MailGenerator mail = new MailGenerator(new SplittableRandom(request.seed() * 31 + 7),
                new SplittableRandom(request.seed() * 31 + 13), team, request.domain(), start, end);
        Map<Person, List<GmailMessage>> mailboxes = mail.generate(request.messagesPerMailbox());
        List<Person> people = team.stream().filter(p -> !p.email().equals(sharedMailbox())).toList();
        Map<Person, List<ObjectNode>> calendars = new CalendarGenerator(new SplittableRandom(request.seed() * 31 + 11),
                people, mail.contacts(), start, end).generate(request.eventsPerCalendar());
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
        ArrayNode microsoft = Json.array();
        for (Map.Entry<Person, List<GmailMessage>> e : mailboxes.entrySet()) {
            Person person = e.getKey();
            if (person.email().equals(sharedMailbox())) {
                GraphMailbox shared = store.putSharedMailbox(person.email());
                e.getValue().forEach(m -> shared.upsert(GraphMessages.folder(m, person.email()), GraphMessages.from(m, person.email())));
                result.putArray("sharedMailboxes").addObject().put("address", person.email()).put("messages", shared.size());
                continue;
            }
            if (isMicrosoft(generated.team(), person)) {
                GraphMailbox mailbox = new GraphMailbox(person.email());
                List<GmailMessage> sorted = new ArrayList<>(e.getValue());
                sorted.sort(java.util.Comparator.comparingLong(GmailMessage::internalDate));
                sorted.forEach(m -> mailbox.upsert(GraphMessages.folder(m, person.email()), GraphMessages.from(m, person.email())));
                String domain = person.email().substring(person.email().indexOf('@') + 1);
                MicrosoftUser user = new MicrosoftUser(person.email(), MicrosoftUser.defaultId(person.email()), person.name(),
                        MicrosoftUser.defaultTenant(domain), false, mailbox, new GraphCalendar(), Set.of(sharedMailbox()), null);
                GraphEvents.fromCalendar(generated.calendars().getOrDefault(person, List.of()), request.anchor())
                        .forEach(user.calendar()::upsert);
                store.putMicrosoftUser(user);
                ObjectNode u = microsoft.addObject();
                u.put("upn", user.upn());
                u.put("displayName", user.displayName());
                u.put("tenantId", user.tenantId());
                u.put("messages", mailbox.size());
                u.put("events", user.calendar().size());
                u.putArray("fullAccessTo").add(sharedMailbox());
                continue;
            }
            GoogleUser user = store.putGoogleUser(person.email(), person.name());
            user.mailbox().load(e.getValue());
            user.mailbox().nameLabel(MailGenerator.CLIENTS_LABEL, MailGenerator.CLIENTS_LABEL_NAME);
            generated.calendars().getOrDefault(person, List.of()).forEach(user.calendar()::upsert);
            ObjectNode u = google.addObject();
            u.put("email", user.email());
            u.put("name", user.name());
            u.put("messages", user.mailbox().size());
            u.put("events", user.calendar().size());
        }
        result.set("microsoft", microsoft);
        return result;
    }
}
