package io.interactionsync.emulator.google.calendar;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Expands RFC 5545 recurrence lines (the subset Google Calendar writes): RRULE with FREQ DAILY|WEEKLY|MONTHLY|
 * YEARLY, INTERVAL, COUNT, UNTIL, BYDAY (with ordinals for MONTHLY, e.g. 1MO or -1FR), BYMONTHDAY; EXDATE and
 * RDATE. Occurrences are computed in the event's time zone (wall clock), so DST shifts are respected.
 */
public final class Recurrence {

    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final int HARD_LIMIT = 5000;

    private Recurrence() {
    }

    /** Thrown for a recurrence the emulator cannot parse. */
    public static final class InvalidRecurrence extends RuntimeException {
        InvalidRecurrence(String message) {
            super(message);
        }
    }

    /**
     * Local start times of every occurrence with start before {@code until} (exclusive), the first being
     * {@code first} itself (DTSTART always counts as an occurrence, as in Google Calendar).
     */
    public static List<LocalDateTime> expand(List<String> lines, LocalDateTime first, ZoneId zone, Instant until) {
        Set<LocalDateTime> excluded = new HashSet<>();
        List<LocalDateTime> extra = new ArrayList<>();
        String rrule = null;
        for (String line : lines) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("RRULE:")) {
                rrule = line.substring(6);
            } else if (upper.startsWith("EXDATE")) {
                excluded.addAll(dates(line, zone, first.toLocalTime()));
            } else if (upper.startsWith("RDATE")) {
                extra.addAll(dates(line, zone, first.toLocalTime()));
            }
        }
        List<LocalDateTime> out = new ArrayList<>();
        if (rrule == null) {
            out.add(first);
        } else {
            out.addAll(rrule(rrule, first, zone, until));
        }
        out.addAll(extra);
        out.removeIf(excluded::contains);
        out.removeIf(t -> !t.atZone(zone).toInstant().isBefore(until));
        return out.stream().distinct().sorted().toList();
    }

    private static List<LocalDateTime> rrule(String rule, LocalDateTime first, ZoneId zone, Instant until) {
        String freq = null;
        int interval = 1;
        Integer count = null;
        Instant untilRule = null;
        List<String> byDay = List.of();
        List<Integer> byMonthDay = List.of();
        for (String part : rule.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new InvalidRecurrence("malformed RRULE part: " + part);
            }
            String key = part.substring(0, eq).toUpperCase(Locale.ROOT);
            String value = part.substring(eq + 1);
            switch (key) {
                case "FREQ" -> freq = value.toUpperCase(Locale.ROOT);
                case "INTERVAL" -> interval = Integer.parseInt(value);
                case "COUNT" -> count = Integer.parseInt(value);
                case "UNTIL" -> untilRule = parseUntil(value, zone);
                case "BYDAY" -> byDay = List.of(value.toUpperCase(Locale.ROOT).split(","));
                case "BYMONTHDAY" -> byMonthDay = java.util.Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
                case "WKST", "BYSETPOS", "BYMONTH" -> {
                    // accepted; BYMONTH is implied by DTSTART for YEARLY rules, the others do not change our output
                }
                default -> throw new InvalidRecurrence("unsupported RRULE part: " + key);
            }
        }
        if (freq == null) {
            throw new InvalidRecurrence("RRULE without FREQ");
        }
        Instant end = untilRule == null ? until : (untilRule.isBefore(until) ? untilRule.plusSeconds(1) : until);
        List<LocalDateTime> out = new ArrayList<>();
        LocalTime time = first.toLocalTime();
        LocalDate periodStart = first.toLocalDate();
        int produced = 0;
        for (int period = 0; period < HARD_LIMIT * 4; period++) {
            List<LocalDate> candidates = switch (freq) {
                case "DAILY" -> List.of(periodStart.plusDays((long) period * interval));
                case "WEEKLY" -> weekly(periodStart.plusWeeks((long) period * interval), byDay, first.getDayOfWeek());
                case "MONTHLY" -> monthly(periodStart.withDayOfMonth(1).plusMonths((long) period * interval), byDay,
                        byMonthDay, first.getDayOfMonth());
                case "YEARLY" -> yearly(first.toLocalDate(), period * interval);
                default -> throw new InvalidRecurrence("unsupported FREQ: " + freq);
            };
            boolean pastEnd = false;
            for (LocalDate d : candidates) {
                LocalDateTime t = LocalDateTime.of(d, time);
                if (t.isBefore(first)) {
                    continue;
                }
                if (!t.atZone(zone).toInstant().isBefore(end) || count != null && produced >= count || out.size() >= HARD_LIMIT) {
                    pastEnd = true;
                    break;
                }
                out.add(t);
                produced++;
            }
            if (pastEnd) {
                break;
            }
        }
        return out;
    }

    private static List<LocalDate> weekly(LocalDate anyDayOfWeek, List<String> byDay, DayOfWeek fallback) {
        LocalDate monday = anyDayOfWeek.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        List<LocalDate> out = new ArrayList<>();
        if (byDay.isEmpty()) {
            out.add(monday.with(TemporalAdjusters.nextOrSame(fallback)));
        } else {
            for (String d : byDay) {
                out.add(monday.with(TemporalAdjusters.nextOrSame(day(d.replaceAll("^[+-]?[0-9]+", "")))));
            }
        }
        out.sort(null);
        return out;
    }

    private static List<LocalDate> monthly(LocalDate firstOfMonth, List<String> byDay, List<Integer> byMonthDay, int fallbackDay) {
        List<LocalDate> out = new ArrayList<>();
        if (!byDay.isEmpty()) {
            for (String d : byDay) {
                String ordinal = d.replaceAll("[A-Z]+$", "");
                DayOfWeek dow = day(d.substring(ordinal.length()));
                if (ordinal.isEmpty()) {
                    for (LocalDate x = firstOfMonth.with(TemporalAdjusters.firstInMonth(dow)); x.getMonth() == firstOfMonth.getMonth(); x = x.plusWeeks(1)) {
                        out.add(x);
                    }
                } else {
                    int n = Integer.parseInt(ordinal.replace("+", ""));
                    LocalDate x = n > 0 ? firstOfMonth.with(TemporalAdjusters.dayOfWeekInMonth(n, dow))
                            : firstOfMonth.with(TemporalAdjusters.lastInMonth(dow)).plusWeeks(n + 1);
                    if (x.getMonth() == firstOfMonth.getMonth()) {
                        out.add(x);
                    }
                }
            }
        } else {
            List<Integer> days = byMonthDay.isEmpty() ? List.of(fallbackDay) : byMonthDay;
            for (int d : days) {
                int length = firstOfMonth.lengthOfMonth();
                int day = d > 0 ? d : length + d + 1;
                if (day >= 1 && day <= length) {
                    out.add(firstOfMonth.withDayOfMonth(day));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static List<LocalDate> yearly(LocalDate first, int years) {
        LocalDate d = first.plusYears(years);
        return d.getDayOfMonth() == first.getDayOfMonth() ? List.of(d) : List.of();
    }

    private static DayOfWeek day(String code) {
        return switch (code) {
            case "MO" -> DayOfWeek.MONDAY;
            case "TU" -> DayOfWeek.TUESDAY;
            case "WE" -> DayOfWeek.WEDNESDAY;
            case "TH" -> DayOfWeek.THURSDAY;
            case "FR" -> DayOfWeek.FRIDAY;
            case "SA" -> DayOfWeek.SATURDAY;
            case "SU" -> DayOfWeek.SUNDAY;
            default -> throw new InvalidRecurrence("unknown BYDAY value: " + code);
        };
    }

    private static Instant parseUntil(String value, ZoneId zone) {
        if (value.length() == 8) {
            return LocalDate.parse(value, DATE).plusDays(1).atStartOfDay(zone).toInstant().minusSeconds(1);
        }
        if (value.endsWith("Z")) {
            return LocalDateTime.parse(value.substring(0, value.length() - 1), BASIC).toInstant(ZoneOffset.UTC);
        }
        return LocalDateTime.parse(value, BASIC).atZone(zone).toInstant();
    }

    /** EXDATE/RDATE values as local times of the event's zone. */
    private static List<LocalDateTime> dates(String line, ZoneId zone, LocalTime defaultTime) {
        int colon = line.indexOf(':');
        String params = line.substring(0, colon).toUpperCase(Locale.ROOT);
        ZoneId valueZone = zone;
        int tzid = params.indexOf("TZID=");
        if (tzid >= 0) {
            String id = line.substring(0, colon).substring(tzid + 5).split(";")[0];
            valueZone = ZoneId.of(id);
        }
        List<LocalDateTime> out = new ArrayList<>();
        for (String v : line.substring(colon + 1).split(",")) {
            v = v.trim();
            if (v.length() == 8) {
                out.add(LocalDateTime.of(LocalDate.parse(v, DATE), defaultTime));
            } else if (v.endsWith("Z")) {
                out.add(LocalDateTime.parse(v.substring(0, v.length() - 1), BASIC).atZone(ZoneOffset.UTC)
                        .withZoneSameInstant(zone).toLocalDateTime());
            } else {
                out.add(LocalDateTime.parse(v, BASIC).atZone(valueZone).withZoneSameInstant(zone).toLocalDateTime());
            }
        }
        return out;
    }

    /** The instance id suffix Google uses: {@code 20260310T140000Z} for timed, {@code 20260310} for all-day. */
    public static String instanceSuffix(LocalDateTime start, ZoneId zone, boolean allDay) {
        return allDay ? start.toLocalDate().format(DATE)
                : start.atZone(zone).withZoneSameInstant(ZoneOffset.UTC).format(BASIC) + "Z";
    }

    static ZonedDateTime zoned(LocalDateTime t, ZoneId zone) {
        return t.atZone(zone).truncatedTo(ChronoUnit.SECONDS);
    }

    /** RFC 3339 with seconds always present, as Google writes it ({@code 2026-03-09T09:00:00-04:00}). */
    public static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    public static String rfc3339(ZonedDateTime t) {
        return t.format(RFC3339);
    }
}
