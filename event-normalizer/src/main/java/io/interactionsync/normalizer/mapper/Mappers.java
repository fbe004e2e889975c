package io.interactionsync.normalizer.mapper;

import io.interactionsync.model.Source;
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

    /** Every mapper implemented so far. */
    public static Mappers all() {
        return new Mappers(new GmailMapper(), new GoogleCalendarMapper(), new OutlookMailMapper(),
                new OutlookCalendarMapper());
    }

    public Optional<RecordMapper> forSource(Source source) {
        return Optional.ofNullable(bySource.get(source));
    }
}
