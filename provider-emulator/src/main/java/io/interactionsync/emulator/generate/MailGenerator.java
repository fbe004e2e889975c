package io.interactionsync.emulator.generate;

import io.interactionsync.emulator.generate.Person.Kind;
import io.interactionsync.emulator.generate.Person.NameStyle;
import io.interactionsync.emulator.store.GmailMessage;
import io.interactionsync.emulator.store.GmailMessage.Header;
import java.text.Normalizer;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates the Gmail side of a team: conversations between team members, outside contacts and automated
 * senders, delivered into every team mailbox that takes part (the sender's SENT copy, each team recipient's
 * INBOX copy with the same Message-ID, Bcc only on the sender's copy). Deterministic for a seed.
 */
final class MailGenerator {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final DateTimeFormatter DATE_PADDED = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-".toCharArray();

    private enum Category { PERSONAL, INTERNAL, NEWSLETTER, NOTIFICATION, LIST, SPAM }

    /** One sent message before it is delivered into mailboxes. */
    /**
     * The address a message is sent from: a team member sends about one message in 25 from an alias of theirs (first
     * name only, same domain), as people with several addresses do, so the owner's aliases have to be learned from
     * their sent mail (R-B1). Decided by a hash of the message, not a random draw, so the rest of the data is unchanged.
     */
    private static Person sentAs(Mail mail) {
        Person from = mail.from();
        String email = from.email();
        int at = email.indexOf('@');
        int dot = email.indexOf('.');
        if (!from.team() || dot < 0 || dot > at
                || Math.floorMod((mail.subject() + "|" + mail.date()).hashCode(), 25) != 0) {
            return from;
        }
        return new Person(from.name(), email.substring(0, dot) + email.substring(at), from.zone(), from.kind(),
                from.style());
    }

    private record Mail(Person from, List<Person> to, List<Person> cc, List<Person> bcc, ZonedDateTime date,
            String subject, String messageId, String inReplyTo, String references, List<Header> extra,
            String snippet, Category category, String toOverride) {
    }

    /** The user label received mail is filed under (with or without INBOX), and its display name. */
    static final String CLIENTS_LABEL = "Label_1";
    static final String CLIENTS_LABEL_NAME = "Clients";

    private final SplittableRandom random;
    /** Filing into user labels draws from its own stream, so the rest of the data stays as before for a seed. */
    private final SplittableRandom filing;
    private final List<Person> team;
    private final List<Person> contacts = new ArrayList<>();
    private final List<Person> automated = new ArrayList<>();
    private final Instant start;
    private final Instant end;
    private final String domain;
    private final Map<Person, List<GmailMessage>> mailboxes = new LinkedHashMap<>();
    private final Map<Person, Set<String>> usedIds = new LinkedHashMap<>();
    private int syntheticCounter;

    MailGenerator(SplittableRandom random, SplittableRandom filing, List<Person> team, String domain, Instant start,
            Instant end) {
        this.random = random;
        this.filing = filing;
        this.team = team;
        this.domain = domain;
        this.start = start;
        this.end = end;
        team.forEach(t -> {
            mailboxes.put(t, new ArrayList<>());
            usedIds.put(t, new HashSet<>());
        });
        createContacts();
    }

    /** Builds at least {@code perMailbox} messages for every team member, then trims each mailbox to exactly that. */
    Map<Person, List<GmailMessage>> generate(int perMailbox) {
        if (team.isEmpty() || perMailbox == 0) {
            return mailboxes;
        }
        while (true) {
            Person owner = null;
            for (Person t : team) {
                if (mailboxes.get(t).size() < perMailbox && (owner == null || mailboxes.get(t).size() < mailboxes.get(owner).size())) {
                    owner = t;
                }
            }
            if (owner == null) {
                break;
            }
            conversation(owner);
        }
        mailboxes.values().forEach(list -> {
            while (list.size() > perMailbox) {
                list.remove(list.size() - 1);
            }
        });
        return mailboxes;
    }

    // ---------------------------------------------------------------- people

    private void createContacts() {
        List<String> companies = new ArrayList<>(Vocabulary.COMPANIES);
        int contactCount = 30 + team.size() * 6;
        Set<String> emails = new HashSet<>();
        team.forEach(t -> emails.add(t.email()));
        for (int i = 0; i < contactCount; i++) {
            boolean international = random.nextInt(8) == 0;
            String name = international ? pick(Vocabulary.INTERNATIONAL_NAMES)
                    : pick(Vocabulary.FIRST_NAMES) + " " + pick(Vocabulary.LAST_NAMES);
            String host = random.nextInt(5) == 0 ? pick(Vocabulary.PERSONAL_DOMAINS)
                    : companies.get(random.nextInt(companies.size())) + ".example";
            String local = localPart(name, host.equals("gmail.com") && random.nextBoolean());
            String email = local + "@" + host;
            while (!emails.add(email)) {
                email = local + (2 + random.nextInt(97)) + "@" + host;
            }
            NameStyle style = international ? NameStyle.ENCODED_WORD : switch (random.nextInt(10)) {
                case 0, 1 -> NameStyle.LAST_COMMA_FIRST;
                case 2 -> NameStyle.ADDRESS_ONLY;
                case 3 -> NameStyle.QUOTED;
                default -> NameStyle.PLAIN;
            };
            contacts.add(new Person(name, email, ZoneId.of(pick(Vocabulary.CONTACT_ZONES)), Kind.CONTACT, style));
        }
        for (String[] n : Vocabulary.NEWSLETTERS) {
            automated.add(new Person(n[0], n[1] + "@" + n[2], ZoneId.of("America/New_York"), Kind.NEWSLETTER, NameStyle.PLAIN));
        }
        for (String[] n : Vocabulary.NOTIFIERS) {
            automated.add(new Person(n[0], n[1] + "@" + n[2], ZoneId.of("UTC"), Kind.NOTIFICATION, NameStyle.QUOTED));
        }
        for (String[] n : Vocabulary.LISTS) {
            automated.add(new Person(n[0], n[1] + "@" + n[2], ZoneId.of("UTC"), Kind.LIST, NameStyle.PLAIN));
        }
        automated.add(new Person("Prize Department", "winner@lottery-claims.example", ZoneId.of("Africa/Lagos"), Kind.SPAMMER, NameStyle.QUOTED));
        automated.add(new Person("Crypto Gains", "info@fast-crypto.example", ZoneId.of("Asia/Singapore"), Kind.SPAMMER, NameStyle.PLAIN));
    }

    /** The team member address scheme: {@code first.last} in ASCII. */
    static String localPart(String name, boolean compact) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("þ", "th")
                .replace("Þ", "Th").replace("ð", "d").replace("ß", "ss").replace("'", "").toLowerCase(Locale.ROOT);
        String[] parts = ascii.replaceAll("[^a-z ]", "").trim().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            return "contact" + Integer.toHexString(name.hashCode() & 0xfffff);
        }
        return compact ? String.join("", parts) : String.join(".", parts);
    }

    private Person synthetic() {
        syntheticCounter++;
        String name = pick(Vocabulary.FIRST_NAMES) + " " + pick(Vocabulary.LAST_NAMES);
        String host = pick(Vocabulary.COMPANIES) + ".example";
        return new Person(name, localPart(name, false) + syntheticCounter + "@" + host,
                ZoneId.of(pick(Vocabulary.CONTACT_ZONES)), Kind.CONTACT,
                random.nextInt(3) == 0 ? NameStyle.ADDRESS_ONLY : NameStyle.PLAIN);
    }

    // ---------------------------------------------------------------- conversations

    private void conversation(Person owner) {
        int roll = random.nextInt(100);
        if (roll < 42) {
            externalThread(owner);
        } else if (roll < 58 && team.size() > 1) {
            internalThread(owner);
        } else if (roll < 74) {
            newsletter(owner);
        } else if (roll < 86) {
            notification(owner);
        } else if (roll < 91) {
            listThread(owner);
        } else if (roll < 94) {
            bulkSend(owner);
        } else if (roll < 97) {
            spam(owner);
        } else {
            draft(owner);
        }
    }

    private void externalThread(Person owner) {
        Person first = pick(contacts);
        List<Person> externals = new ArrayList<>(List.of(first));
        String company = first.email().substring(first.email().indexOf('@') + 1);
        int extra = random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(2);
        for (int i = 0; i < extra; i++) {
            Person p = random.nextInt(3) == 0 ? pick(contacts) : sameCompany(company);
            if (!externals.contains(p)) {
                externals.add(p);
            }
        }
        List<Person> participants = new ArrayList<>();
        participants.add(owner);
        if (team.size() > 1 && random.nextInt(10) < 3) {
            participants.add(otherTeamMember(owner));
        }
        participants.addAll(externals);
        int length = random.nextInt(10) < 2 ? 1 : 2 + random.nextInt(7);
        String topic = pick(Vocabulary.TOPICS);
        String subject = random.nextInt(6) == 0 ? "Intro: " + owner.name().split(" ")[0] + " <> " + first.name().split(" ")[0]
                : capitalize(topic);
        Person initiator = random.nextBoolean() ? owner : first;
        thread(participants, initiator, subject, length, Category.PERSONAL, owner);
    }

    private void internalThread(Person owner) {
        List<Person> participants = new ArrayList<>(List.of(owner));
        int size = Math.min(team.size(), 2 + random.nextInt(3));
        while (participants.size() < size) {
            Person p = otherTeamMember(owner);
            if (!participants.contains(p)) {
                participants.add(p);
            }
        }
        thread(participants, random.nextBoolean() ? owner : participants.get(1),
                capitalize(pick(Vocabulary.INTERNAL_TOPICS)), 2 + random.nextInt(5), Category.INTERNAL, owner);
    }

    /** A reply chain: each message answers the previous one (reply-all), with In-Reply-To and References. */
    private void thread(List<Person> participants, Person initiator, String subject, int length, Category category, Person owner) {
        ZonedDateTime date = workingTime(initiator.zone());
        Map<Person, String> threadIds = new LinkedHashMap<>();
        List<String> references = new ArrayList<>();
        Person sender = initiator;
        Person previous = null;
        boolean outlookStyle = participants.stream().anyMatch(p -> p.style() == NameStyle.LAST_COMMA_FIRST);
        for (int i = 0; i < length; i++) {
            if (!date.toInstant().isBefore(end)) {
                break;
            }
            List<Person> to = new ArrayList<>();
            List<Person> cc = new ArrayList<>();
            if (previous == null) {
                for (Person p : participants) {
                    if (p != sender) {
                        (to.isEmpty() || p.team() == sender.team() && random.nextBoolean() ? to : cc).add(p);
                    }
                }
            } else {
                to.add(previous);
                for (Person p : participants) {
                    if (p != sender && p != previous) {
                        cc.add(p);
                    }
                }
            }
            List<Person> bcc = new ArrayList<>();
            if (sender.team() && previous == null && category == Category.PERSONAL && random.nextInt(12) == 0) {
                bcc.add(team.size() > 1 && random.nextBoolean() ? otherTeamMember(sender) : synthetic());
            }
            String prefix = i == 0 ? "" : (sender.style() == NameStyle.LAST_COMMA_FIRST || outlookStyle && !sender.team() ? "RE: " : "Re: ");
            boolean missingId = !sender.team() && random.nextInt(150) == 0;
            String messageId = missingId ? null : messageId(sender);
            String inReplyTo = references.isEmpty() ? null : references.get(references.size() - 1);
            String refs = references.isEmpty() ? null : String.join(" ", references.subList(Math.max(0, references.size() - 10), references.size()));
            List<Header> extra = new ArrayList<>();
            if (!sender.team() && random.nextInt(25) == 0) {
                extra.add(new Header("Reply-To", Addresses.mailbox(sender)));
            }
            Mail mail = new Mail(sender, to, cc, bcc, date, prefix + subject, messageId, inReplyTo, refs, extra,
                    pick(Vocabulary.SNIPPETS), category, null);
            deliver(mail, threadIds);
            if (messageId != null) {
                references.add(messageId);
            }
            previous = sender;
            Person next = participants.get(random.nextInt(participants.size()));
            if (next == sender) {
                next = participants.get((participants.indexOf(sender) + 1) % participants.size());
            }
            sender = next;
            date = date.plus(Duration.ofMinutes(5 + random.nextInt(60 * 48))).withZoneSameInstant(sender.zone());
        }
    }

    private void newsletter(Person owner) {
        Person sender = automated(Kind.NEWSLETTER);
        String[] info = Vocabulary.NEWSLETTERS.stream().filter(n -> sender.email().startsWith(n[1] + "@" )
                && sender.email().endsWith(n[2])).findFirst().orElseThrow();
        ZonedDateTime date = randomTime(sender.zone());
        List<Header> extra = new ArrayList<>();
        String host = info[2];
        extra.add(new Header("List-Unsubscribe", "<mailto:unsubscribe+" + hex(12) + "@" + host + ">, <https://" + host
                + "/unsubscribe?u=" + hex(16) + ">"));
        if (random.nextInt(4) != 0) {
            extra.add(new Header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        }
        extra.add(new Header("List-Id", "\"" + info[0] + "\" <" + info[3] + ">"));
        extra.add(new Header("Precedence", "bulk"));
        extra.add(new Header("X-Mailer", "MailChimp Mailer - **CID" + hex(20) + "**"));
        String subject = info[0] + ": " + capitalize(pick(Vocabulary.TOPICS)) + " and more";
        Mail mail = new Mail(sender, List.of(owner), List.of(), List.of(), date, subject, messageId(sender), null, null,
                extra, "View this email in your browser", Category.NEWSLETTER,
                random.nextInt(6) == 0 ? "undisclosed-recipients:;" : null);
        deliver(mail, new LinkedHashMap<>());
    }

    private void notification(Person owner) {
        Person sender = automated(Kind.NOTIFICATION);
        String[] info = Vocabulary.NOTIFIERS.stream().filter(n -> sender.email().equals(n[1] + "@" + n[2])).findFirst().orElseThrow();
        List<Header> extra = new ArrayList<>();
        if (random.nextInt(3) != 0) {
            extra.add(new Header("Auto-Submitted", "auto-generated"));
        }
        if (random.nextBoolean()) {
            extra.add(new Header("X-Auto-Response-Suppress", "All"));
        }
        if (random.nextInt(3) == 0) {
            extra.add(new Header("Precedence", "bulk"));
        }
        Mail mail = new Mail(sender, List.of(owner), List.of(), List.of(), randomTime(sender.zone()),
                info[3] + capitalize(pick(Vocabulary.TOPICS)), random.nextInt(100) == 0 ? null : messageId(sender), null, null,
                extra, "This is an automated message", Category.NOTIFICATION, null);
        deliver(mail, new LinkedHashMap<>());
    }

    private void listThread(Person owner) {
        Person list = automated(Kind.LIST);
        String[] info = Vocabulary.LISTS.stream().filter(n -> list.email().equals(n[1] + "@" + n[2])).findFirst().orElseThrow();
        Map<Person, String> threadIds = new LinkedHashMap<>();
        List<String> references = new ArrayList<>();
        String subject = "[" + info[1] + "] " + capitalize(pick(Vocabulary.TOPICS));
        ZonedDateTime date = randomTime(ZoneId.of("UTC"));
        int length = 1 + random.nextInt(4);
        for (int i = 0; i < length && date.toInstant().isBefore(end); i++) {
            Person poster = i > 0 && random.nextInt(4) == 0 ? owner : pick(contacts);
            List<Header> extra = List.of(new Header("List-Id", "<" + info[3] + ">"), new Header("Precedence", "list"),
                    new Header("Mailing-list", "list " + list.email() + "; contact " + info[1] + "+owners@" + info[2]),
                    new Header("List-Unsubscribe", "<mailto:" + info[1] + "+unsubscribe@" + info[2] + ">"));
            String id = messageId(poster);
            Mail mail = new Mail(poster, List.of(list), List.of(), List.of(), date.withZoneSameInstant(poster.zone()),
                    (i == 0 ? "" : "Re: ") + subject, id, references.isEmpty() ? null : references.get(references.size() - 1),
                    references.isEmpty() ? null : String.join(" ", references), extra, pick(Vocabulary.SNIPPETS),
                    Category.LIST, null);
            // The list delivers to its subscriber: the owner (also when the owner posted).
            deliverTo(mail, owner, threadIds, poster == owner);
            references.add(id);
            date = date.plus(Duration.ofMinutes(30 + random.nextInt(60 * 24)));
        }
    }

    /** A large distribution: an LP update Bcc'd to many, or a big external announcement the owner is Cc'd on. */
    private void bulkSend(Person owner) {
        int size = 40 + random.nextInt(220);
        List<Person> many = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            many.add(i < contacts.size() / 3 ? contacts.get(i) : synthetic());
        }
        if (random.nextBoolean()) {
            List<Person> bcc = new ArrayList<>(many);
            if (team.size() > 1) {
                bcc.add(otherTeamMember(owner));
            }
            Mail mail = new Mail(owner, List.of(owner), List.of(), bcc, workingTime(owner.zone()),
                    "Quarterly LP update", messageId(owner), null, null, List.of(),
                    "Dear partners, please find our quarterly update", Category.PERSONAL, null);
            deliver(mail, new LinkedHashMap<>());
        } else {
            Person sender = pick(contacts);
            List<Person> cc = new ArrayList<>(many.subList(0, many.size() / 2));
            cc.add(owner);
            Mail mail = new Mail(sender, many.subList(many.size() / 2, many.size()), cc, List.of(),
                    workingTime(sender.zone()), "Save the date: annual summit", messageId(sender), null, null, List.of(),
                    "We are delighted to invite you", Category.PERSONAL, null);
            deliver(mail, new LinkedHashMap<>());
        }
    }

    private void spam(Person owner) {
        Person sender = automated(Kind.SPAMMER);
        Mail mail = new Mail(sender, List.of(owner), List.of(), List.of(), randomTime(sender.zone()),
                "You have won!!! Claim now", random.nextBoolean() ? null : messageId(sender), null, null, List.of(),
                "Congratulations dear winner", Category.SPAM, null);
        deliver(mail, new LinkedHashMap<>());
    }

    private void draft(Person owner) {
        Person to = pick(contacts);
        ZonedDateTime date = workingTime(owner.zone());
        List<Header> headers = baseHeaders(new Mail(owner, List.of(to), List.of(), List.of(), date,
                capitalize(pick(Vocabulary.TOPICS)), messageId(owner), null, null, List.of(), "", Category.PERSONAL, null), true);
        add(owner, message(owner, date.toInstant().toEpochMilli(), List.of("DRAFT"), headers, "", new LinkedHashMap<>()));
    }

    // ---------------------------------------------------------------- delivery

    private void deliver(Mail mail, Map<Person, String> threadIds) {
        Set<Person> teamInvolved = new LinkedHashSet<>();
        if (mail.from().team()) {
            teamInvolved.add(mail.from());
        }
        for (List<Person> group : List.of(mail.to(), mail.cc(), mail.bcc())) {
            group.stream().filter(Person::team).forEach(teamInvolved::add);
        }
        for (Person member : teamInvolved) {
            deliverTo(mail, member, threadIds, member == mail.from());
        }
    }

    private void deliverTo(Mail mail, Person member, Map<Person, String> threadIds, boolean senderCopy) {
        List<String> labels = new ArrayList<>();
        long internalDate = mail.date().toInstant().toEpochMilli();
        if (senderCopy) {
            labels.add("SENT");
            if (mail.to().contains(member) || mail.cc().contains(member)) {
                labels.add("INBOX");
            }
        } else {
            internalDate += 1000L + random.nextInt(90_000);
            labels.addAll(inboxLabels(mail.category(), mail.date().toInstant()));
        }
        List<Header> headers = new ArrayList<>();
        if (!senderCopy) {
            headers.add(new Header("Delivered-To", member.email()));
        }
        headers.addAll(baseHeaders(mail, senderCopy));
        add(member, message(member, internalDate, labels, headers, mail.snippet(), threadIds));
    }

    private List<String> inboxLabels(Category category, Instant sent) {
        List<String> labels = new ArrayList<>();
        boolean old = sent.isBefore(end.minus(Duration.ofDays(30)));
        switch (category) {
            case SPAM -> {
                labels.add("SPAM");
                labels.add("UNREAD");
                return labels;
            }
            case NEWSLETTER -> {
                boolean trashed = random.nextInt(12) == 0;
                labels.add(trashed ? "TRASH" : "INBOX");
                if (random.nextInt(10) < 6) {
                    labels.add("UNREAD");
                }
                labels.add(random.nextInt(4) == 0 ? "CATEGORY_UPDATES" : "CATEGORY_PROMOTIONS");
                return labels;
            }
            case NOTIFICATION -> {
                if (!old || random.nextInt(3) == 0) {
                    labels.add("INBOX");
                }
                if (random.nextInt(10) < 3) {
                    labels.add("UNREAD");
                }
                labels.add(random.nextInt(8) == 0 ? "CATEGORY_SOCIAL" : "CATEGORY_UPDATES");
                return labels;
            }
            case LIST -> {
                labels.add("INBOX");
                if (random.nextInt(10) < 4) {
                    labels.add("UNREAD");
                }
                labels.add("CATEGORY_FORUMS");
                return labels;
            }
            default -> {
                boolean inbox = !old || random.nextInt(10) < 6;
                if (inbox) {
                    labels.add("INBOX");
                }
                // Conversations with outside contacts are often filed under "Clients": half of the archived ones
                // (which then live only under that label), a few still in the inbox.
                if (category == Category.PERSONAL && filing.nextInt(10) < (inbox ? 1 : 5)) {
                    labels.add(CLIENTS_LABEL);
                }
                if (random.nextInt(10) == 0) {
                    labels.add("UNREAD");
                }
                if (random.nextInt(3) == 0) {
                    labels.add("IMPORTANT");
                }
                if (random.nextInt(40) == 0) {
                    labels.add("STARRED");
                }
                labels.add("CATEGORY_PERSONAL");
                return labels;
            }
        }
    }

    private List<Header> baseHeaders(Mail mail, boolean senderCopy) {
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("MIME-Version", "1.0"));
        DateTimeFormatter format = mail.from().team() || random.nextBoolean() ? DATE : DATE_PADDED;
        String date = mail.date().format(format);
        if (!mail.from().team() && random.nextInt(10) == 0) {
            date += " (" + mail.date().getZone().getId().replace("Etc/", "") + ")";
        }
        headers.add(new Header("Date", date));
        if (mail.messageId() != null) {
            headers.add(new Header("Message-ID", mail.messageId()));
        }
        headers.add(new Header("Subject", Addresses.subject(mail.subject())));
        headers.add(new Header("From", Addresses.mailbox(sentAs(mail))));
        if (mail.toOverride() != null) {
            headers.add(new Header("To", mail.toOverride()));
        } else if (!mail.to().isEmpty()) {
            headers.add(new Header("To", Addresses.list(mail.to())));
        }
        if (!mail.cc().isEmpty()) {
            headers.add(new Header("Cc", Addresses.list(mail.cc())));
        }
        if (senderCopy && !mail.bcc().isEmpty()) {
            headers.add(new Header("Bcc", Addresses.list(mail.bcc())));
        }
        if (mail.inReplyTo() != null) {
            headers.add(new Header("In-Reply-To", mail.inReplyTo()));
            headers.add(new Header("References", mail.references()));
        }
        headers.addAll(mail.extra());
        headers.add(new Header("Content-Type", "multipart/alternative; boundary=\"000000000000" + hex(12) + "\""));
        return headers;
    }

    private GmailMessage message(Person member, long internalDate, List<String> labels, List<Header> headers,
            String snippet, Map<Person, String> threadIds) {
        Set<String> ids = usedIds.get(member);
        String id;
        long stamp = internalDate;
        do {
            id = String.format("%011x", stamp) + hex(5);
            stamp++;
        } while (!ids.add(id));
        String threadId = threadIds.get(member);
        if (threadId == null) {
            threadId = id;
            threadIds.put(member, id);
        }
        long size = 2_000 + random.nextInt(60_000) + headers.stream().mapToLong(h -> h.name().length() + h.value().length() + 4).sum();
        return new GmailMessage(id, threadId, labels, snippet, 0, internalDate, size, "multipart/alternative", headers, null);
    }

    private void add(Person member, GmailMessage message) {
        mailboxes.get(member).add(message);
    }

    // ---------------------------------------------------------------- randomness helpers

    private ZonedDateTime randomTime(ZoneId zone) {
        long span = end.toEpochMilli() - start.toEpochMilli();
        long at = start.toEpochMilli() + (long) (random.nextDouble() * span);
        return Instant.ofEpochMilli(at - at % 1000).atZone(zone);
    }

    /** A weekday between 08:00 and 19:00 in the sender's zone, inside the window. */
    private ZonedDateTime workingTime(ZoneId zone) {
        for (int attempt = 0; attempt < 10; attempt++) {
            ZonedDateTime t = randomTime(zone);
            ZonedDateTime w = t.withHour(8 + random.nextInt(11)).withMinute(random.nextInt(60)).withSecond(random.nextInt(60));
            boolean weekend = w.getDayOfWeek() == DayOfWeek.SATURDAY || w.getDayOfWeek() == DayOfWeek.SUNDAY;
            if ((!weekend || random.nextInt(10) == 0) && w.toInstant().isBefore(end) && !w.toInstant().isBefore(start)) {
                return w;
            }
        }
        return randomTime(zone);
    }

    private String messageId(Person sender) {
        String host = sender.email().substring(sender.email().indexOf('@') + 1);
        if (sender.team() || host.equals("gmail.com")) {
            StringBuilder id = new StringBuilder("<CA");
            for (int i = 0; i < 46; i++) {
                id.append(B64[random.nextInt(B64.length)]);
            }
            return id.append("@mail.gmail.com>").toString();
        }
        if (sender.kind() == Kind.CONTACT && random.nextBoolean()) {
            return "<" + hex(8).toUpperCase(Locale.ROOT) + "." + hex(8).toUpperCase(Locale.ROOT) + "@"
                    + host.replace(".example", "") + ".prod.outlook.example>";
        }
        return "<" + hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12) + "@" + host + ">";
    }

    private Person sameCompany(String company) {
        for (int i = 0; i < 5; i++) {
            Person p = pick(contacts);
            if (p.email().endsWith("@" + company)) {
                return p;
            }
        }
        String name = pick(Vocabulary.FIRST_NAMES) + " " + pick(Vocabulary.LAST_NAMES);
        Person p = new Person(name, localPart(name, false) + "@" + company, ZoneId.of(pick(Vocabulary.CONTACT_ZONES)),
                Kind.CONTACT, NameStyle.PLAIN);
        contacts.add(p);
        return p;
    }

    private Person otherTeamMember(Person owner) {
        Person p = team.get(random.nextInt(team.size() - 1));
        return p == owner ? team.get(team.size() - 1) : p;
    }

    private Person automated(Kind kind) {
        List<Person> candidates = automated.stream().filter(p -> p.kind() == kind).toList();
        return candidates.get(random.nextInt(candidates.size()));
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private String hex(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = HEX[random.nextInt(16)];
        }
        return new String(out);
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    String domain() {
        return domain;
    }

    /** The outside contacts mail was exchanged with (calendar invitations reuse them). */
    List<Person> contacts() {
        return List.copyOf(contacts);
    }
}
