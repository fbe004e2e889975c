package io.interactionsync.normalizer.mapper;

import io.interactionsync.model.Source;
import io.interactionsync.normalizer.rules.Participants;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The mapper of each source. Sources without a mapper yet are dead-lettered as {@code unsupported_source}. */
public final class Mappers {

    private final Map<Source, RecordMapper> bySource = new EnumMap<>(Source.class);

    public Mappers(RecordMapper... mappers) {
        for (RecordMapper m : mappers) {
            bySource.put(m.source(), m);
        }
    }

    /** Every mapper implemented so far, with the default fan-out cap. */
    public static Mappers all() {
        return all(Participants.DEFAULT_MAX_RECIPIENTS);
    }

    /** Every mapper implemented so far; {@code maxRecipients}: the fan-out cap (R-B3; meetings: attendees). */
    public static Mappers all(int maxRecipients) {
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("normalizer.fan-out.max-recipients must be at least 1, was " + maxRecipients);
        }
        return new Mappers(new GmailMapper(maxRecipients), new GoogleCalendarMapper(maxRecipients),
                new OutlookMailMapper(maxRecipients), new OutlookCalendarMapper(maxRecipients));
    }

    public Optional<RecordMapper> forSource(Source source) {
        return Optional.ofNullable(bySource.get(source));
    }
}
