package io.interactionsync.emulator.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.google.calendar.Recurrence;
import io.interactionsync.emulator.http.Json;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates Calendar Event resources for a team: meetings with outside contacts and colleagues (the same event id
 * in every participating team calendar, with {@code self} set per calendar), recurring series with a cancelled and
 * a moved instance, all-day events, focus time and out-of-office blocks, cancelled meetings, declined and
 * tentative attendees, rooms ({@code resource: true}) and large meetings. Deterministic for a seed.
 */
final class CalendarGenerator {

    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final DateTimeFormatter RRULE_UNTIL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final List<String> RESPONSES = List.of("accepted", "accepted", "accepted", "declined", "tentative", "needsAction");
    private static final List<String> ROOMS = List.of("HQ-2-Boardroom (12)", "HQ-3-Fishbowl (4)", "HQ-3-Library (6)",
            "London-1-Thames (8)", "NYC-5-Hudson (10)");
    private static final List<String> MEETINGS = List.of("Intro call", "Pitch meeting", "Due diligence session",
            "Board meeting", "Quarterly review", "Coffee chat", "Partner meeting", "Portfolio check-in",
            "Reference call", "Product demo", "Founder office hours", "LP meeting");

    private final SplittableRandom random;
    private final List<Person> team;
    private final List<Person> contacts;
    private final Instant start;
    private final Instant end;
    private final Map<Person, List<ObjectNode>> calendars = new LinkedHashMap<>();

    CalendarGenerator(SplittableRandom random, List<Person> team, List<Person> contacts, Instant start, Instant end) {
        this.random = random;
        this.team = team;
        this.contacts = contacts;
        this.start = start;
        this.end = end;
        team.forEach(t -> calendars.put(t, new ArrayList<>()));
    }

    Map<Person, List<ObjectNode>> generate(int perCalendar) {
        if (team.isEmpty() || perCalendar == 0) {
            return calendars;
        }
        while (true) {
            Person owner = null;
            for (Person t : team) {
                if (calendars.get(t).size() < perCalendar && (owner == null || calendars.get(t).size() < calendars.get(owner).size())) {
                    owner = t;
                }
            }
            if (owner == null) {
                break;
            }
            event(owner);
        }
        calendars.values().forEach(list -> {
            while (list.size() > perCalendar) {
                list.remove(list.size() - 1);
            }
        });
        return calendars;
    }

    private void event(Person owner) {
        int roll = random.nextInt(100);
        if (roll < 35) {
            meeting(owner, external(owner), false, "confirmed");
        } else if (roll < 50 && team.size() > 1) {
            meeting(owner, internal(owner), random.nextInt(3) == 0, "confirmed");
        } else if (roll < 62) {
            recurring(owner);
        } else if (roll < 70) {
            allDay(owner);
        } else if (roll < 78) {
            block(owner, "focusTime");
        } else if (roll < 83) {
            block(owner, "outOfOffice");
        } else if (roll < 90) {
            meeting(owner, external(owner), false, "cancelled");
        } else if (roll < 95) {
            large(owner);
        } else {
            meeting(owner, external(owner), false, "tentative");
        }
    }

    private List<Person> external(Person owner) {
        List<Person> people = new ArrayList<>(List.of(owner));
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            Person p = contacts.get(random.nextInt(contacts.size()));
            if (!people.contains(p)) {
                people.add(p);
            }
        }
        if (team.size() > 1 && random.nextInt(10) < 3) {
            Person colleague = team.get(random.nextInt(team.size()));
            if (!people.contains(colleague)) {
                people.add(colleague);
            }
        }
        return people;
    }

    private List<Person> internal(Person owner) {
        List<Person> people = new ArrayList<>(List.of(owner));
        int n = Math.min(team.size(), 2 + random.nextInt(4));
        for (int guard = 0; people.size() < n && guard < 20; guard++) {
            Person p = team.get(random.nextInt(team.size()));
            if (!people.contains(p)) {
                people.add(p);
            }
        }
        return people;
    }

    private ObjectNode base(Person organizer, String summary, ZonedDateTime startTime, ZonedDateTime endTime, String status) {
        String id = id();
        ObjectNode e = Json.object();
        e.put("kind", "calendar#event");
        e.put("id", id);
        e.put("status", status);
        e.put("htmlLink", "https://www.google.com/calendar/event?eid=" + id);
        Instant created = startTime.toInstant().minus(1 + random.nextInt(20), ChronoUnit.DAYS)
                .minusSeconds(random.nextInt(86_400)).truncatedTo(ChronoUnit.SECONDS);
        Instant updated = created.plusSeconds(random.nextInt(86_400 * 3));
        e.put("created", created.toString().replace("Z", ".000Z"));
        e.put("updated", updated.toString().replace("Z", ".000Z"));
        e.put("summary", summary);
        ObjectNode creator = e.putObject("creator").put("email", organizer.email());
        ObjectNode org = e.putObject("organizer").put("email", organizer.email());
        if (!organizer.team()) {
            org.put("displayName", organizer.name());
            creator.put("displayName", organizer.name());
        }
        e.putObject("start").put("dateTime", Recurrence.rfc3339(startTime)).put("timeZone", startTime.getZone().getId());
        e.putObject("end").put("dateTime", Recurrence.rfc3339(endTime)).put("timeZone", endTime.getZone().getId());
        e.put("iCalUID", id + "@google.com");
        e.put("sequence", 0);
        e.putObject("reminders").put("useDefault", true);
        e.put("eventType", "default");
        return e;
    }

    private ZonedDateTime slot(Person organizer) {
        long span = end.plus(90, ChronoUnit.DAYS).toEpochMilli() - start.toEpochMilli();
        for (int i = 0; i < 10; i++) {
            ZonedDateTime t = Instant.ofEpochMilli(start.toEpochMilli() + (long) (random.nextDouble() * span))
                    .atZone(organizer.zone()).withHour(8 + random.nextInt(10)).withMinute(random.nextBoolean() ? 0 : 30)
                    .withSecond(0).withNano(0);
            if (t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY) {
                return t;
            }
        }
        return start.atZone(organizer.zone()).plusDays(1).withHour(10).withMinute(0).withSecond(0).withNano(0);
    }

    private void meeting(Person owner, List<Person> people, boolean withRoom, String status) {
        Person organizer = random.nextInt(10) < 6 ? owner : people.get(random.nextInt(people.size()));
        ZonedDateTime s = slot(organizer);
        ZonedDateTime e = s.plusMinutes(List.of(15, 30, 30, 45, 60, 60, 90).get(random.nextInt(7)));
        ObjectNode event = base(organizer, MEETINGS.get(random.nextInt(MEETINGS.size())), s, e, status);
        if (random.nextInt(3) == 0) {
            event.put("hangoutLink", "https://meet.google.com/" + letters(3) + "-" + letters(4) + "-" + letters(3));
        }
        ArrayNode attendees = event.putArray("attendees");
        for (Person p : people) {
            ObjectNode a = attendees.addObject().put("email", p.email());
            if (!p.team() && random.nextBoolean()) {
                a.put("displayName", p.name());
            }
            if (p == organizer) {
                a.put("organizer", true);
                a.put("responseStatus", "accepted");
            } else {
                a.put("responseStatus", RESPONSES.get(random.nextInt(RESPONSES.size())));
                if (random.nextInt(12) == 0) {
                    a.put("optional", true);
                }
                if ("declined".equals(a.get("responseStatus").asText()) && random.nextInt(3) == 0) {
                    a.put("comment", "Sorry, I have a conflict.");
                }
                if (!p.team() && random.nextInt(15) == 0) {
                    a.put("additionalGuests", 1);
                }
            }
        }
        if (withRoom || random.nextInt(4) == 0) {
            String room = ROOMS.get(random.nextInt(ROOMS.size()));
            event.put("location", room);
            attendees.addObject().put("email", "c_188" + hex(20) + "@resource.calendar.google.com")
                    .put("displayName", room).put("resource", true).put("responseStatus", "accepted");
        }
        deliver(event, people, organizer);
    }

    private void recurring(Person owner) {
        List<Person> people = team.size() > 1 && random.nextBoolean() ? internal(owner) : external(owner);
        Person organizer = owner;
        ZonedDateTime s = slot(organizer).minusMonths(random.nextInt(6));
        if (s.toInstant().isBefore(start)) {
            s = start.atZone(organizer.zone()).plusDays(7).withHour(10).withMinute(0);
        }
        ZonedDateTime e = s.plusMinutes(30);
        ObjectNode master = base(organizer, random.nextBoolean() ? "Weekly sync" : "1:1", s, e, "confirmed");
        String day = s.getDayOfWeek().name().substring(0, 2);
        int count = 6 + random.nextInt(30);
        String rule = switch (random.nextInt(4)) {
            case 0 -> "RRULE:FREQ=WEEKLY;BYDAY=" + day + ";COUNT=" + count;
            case 1 -> "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=" + day + ";UNTIL="
                    + s.plusWeeks(count * 2L).withZoneSameInstant(ZoneOffset.UTC).format(RRULE_UNTIL);
            case 2 -> "RRULE:FREQ=MONTHLY;BYDAY=" + ((s.getDayOfMonth() - 1) / 7 + 1) + day + ";COUNT=" + Math.max(3, count / 3);
            default -> "RRULE:FREQ=WEEKLY;BYDAY=" + day;
        };
        master.putArray("recurrence").add(rule);
        ArrayNode attendees = master.putArray("attendees");
        for (Person p : people) {
            ObjectNode a = attendees.addObject().put("email", p.email());
            a.put("responseStatus", p == organizer ? "accepted" : RESPONSES.get(random.nextInt(3)));
            if (p == organizer) {
                a.put("organizer", true);
            }
        }
        deliver(master, people, organizer);
        // A cancelled instance (the second occurrence) and a moved one (the third), as separate exception events.
        String masterId = master.get("id").asText();
        ZonedDateTime second = s.plusWeeks(rule.contains("INTERVAL=2") ? 2 : 1);
        if (rule.contains("MONTHLY")) {
            second = null;
        }
        if (second != null) {
            ObjectNode cancelled = Json.object();
            cancelled.put("kind", "calendar#event");
            cancelled.put("id", masterId + "_" + second.withZoneSameInstant(ZoneOffset.UTC).format(RRULE_UNTIL));
            cancelled.put("status", "cancelled");
            cancelled.put("recurringEventId", masterId);
            cancelled.putObject("originalStartTime").put("dateTime", Recurrence.rfc3339(second))
                    .put("timeZone", s.getZone().getId());
            cancelled.put("updated", master.get("updated").asText());
            deliver(cancelled, people, organizer);
            ZonedDateTime third = second.plusWeeks(rule.contains("INTERVAL=2") ? 2 : 1);
            ObjectNode moved = master.deepCopy();
            moved.remove("recurrence");
            moved.put("id", masterId + "_" + third.withZoneSameInstant(ZoneOffset.UTC).format(RRULE_UNTIL));
            moved.put("recurringEventId", masterId);
            moved.putObject("originalStartTime").put("dateTime", Recurrence.rfc3339(third))
                    .put("timeZone", s.getZone().getId());
            ZonedDateTime movedStart = third.plusHours(2);
            moved.putObject("start").put("dateTime", Recurrence.rfc3339(movedStart)).put("timeZone", s.getZone().getId());
            moved.putObject("end").put("dateTime", Recurrence.rfc3339(movedStart.plusMinutes(30))).put("timeZone", s.getZone().getId());
            moved.put("sequence", 1);
            deliver(moved, people, organizer);
        }
    }

    private void allDay(Person owner) {
        ZonedDateTime s = slot(owner);
        LocalDate day = s.toLocalDate();
        int days = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0);
        ObjectNode event = base(owner, random.nextBoolean() ? "Offsite" : "Conference: " + MEETINGS.get(random.nextInt(MEETINGS.size())), s, s, "confirmed");
        event.putObject("start").put("date", day.toString());
        event.putObject("end").put("date", day.plusDays(days).toString());
        event.put("transparency", "transparent");
        List<Person> people = List.of(owner);
        if (team.size() > 1 && random.nextBoolean()) {
            people = internal(owner);
            ArrayNode attendees = event.putArray("attendees");
            for (Person p : people) {
                ObjectNode a = attendees.addObject().put("email", p.email()).put("responseStatus", p == owner ? "accepted" : "needsAction");
                if (p == owner) {
                    a.put("organizer", true);
                }
            }
        }
        deliver(event, people, owner);
    }

    private void block(Person owner, String type) {
        ZonedDateTime s = slot(owner);
        ObjectNode event;
        if (type.equals("focusTime")) {
            event = base(owner, "Focus time", s, s.plusHours(2), "confirmed");
            event.putObject("focusTimeProperties").put("autoDeclineMode", "declineOnlyNewConflictingInvitations")
                    .put("chatStatus", "doNotDisturb");
        } else {
            event = base(owner, "Out of office", s.withHour(0), s.withHour(0).plusDays(1 + random.nextInt(5)), "confirmed");
            event.putObject("outOfOfficeProperties").put("autoDeclineMode", "declineAllConflictingInvitations")
                    .put("declineMessage", "I am out of office and will reply when I am back.");
        }
        event.put("eventType", type);
        event.put("transparency", "opaque");
        event.putObject("reminders").put("useDefault", false);
        deliver(event, List.of(owner), owner);
    }

    private void large(Person owner) {
        List<Person> people = new ArrayList<>(List.of(owner));
        people.addAll(team.stream().filter(t -> t != owner).toList());
        int extra = 30 + random.nextInt(90);
        for (int i = 0; i < extra && i < contacts.size(); i++) {
            people.add(contacts.get(i));
        }
        Person organizer = random.nextBoolean() ? owner : contacts.get(random.nextInt(contacts.size()));
        if (!people.contains(organizer)) {
            people.add(organizer);
        }
        ZonedDateTime s = slot(organizer);
        ObjectNode event = base(organizer, "All-hands: portfolio summit", s, s.plusHours(1), "confirmed");
        ArrayNode attendees = event.putArray("attendees");
        for (Person p : people) {
            ObjectNode a = attendees.addObject().put("email", p.email());
            a.put("responseStatus", p == organizer ? "accepted" : RESPONSES.get(random.nextInt(RESPONSES.size())));
            if (p == organizer) {
                a.put("organizer", true);
            }
        }
        event.put("guestsCanSeeOtherGuests", random.nextBoolean());
        deliver(event, people, organizer);
    }

    /** Adds a copy of {@code event} to each participating team member's calendar with {@code self} flags. */
    private void deliver(ObjectNode event, List<Person> people, Person organizer) {
        for (Person p : people) {
            if (!p.team() || !calendars.containsKey(p)) {
                continue;
            }
            ObjectNode copy = event.deepCopy();
            if (p == organizer) {
                if (copy.has("organizer")) {
                    ((ObjectNode) copy.get("organizer")).put("self", true);
                }
                if (copy.has("creator")) {
                    ((ObjectNode) copy.get("creator")).put("self", true);
                }
            }
            for (var a : copy.path("attendees")) {
                if (a.path("email").asText().equals(p.email())) {
                    ((ObjectNode) a).put("self", true);
                }
            }
            calendars.get(p).add(copy);
        }
    }

    private String id() {
        StringBuilder id = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            id.append(BASE32HEX[random.nextInt(32)]);
        }
        return id.toString();
    }

    private String hex(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(Integer.toHexString(random.nextInt(16)));
        }
        return out.toString();
    }

    private String letters(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
