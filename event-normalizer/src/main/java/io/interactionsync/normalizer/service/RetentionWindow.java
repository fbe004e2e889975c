package io.interactionsync.normalizer.service;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The retention window: interaction events that occurred more than N months before {@code now} are neither stored
 * nor kept. N is the team's window ({@code directory_changed} → {@code directory.eventMonths}) when the user's team
 * sets one (several teams: the shortest), else {@code globalMonths} ({@code normalizer.retention.event-months});
 * 0 means no window.
 */
public record RetentionWindow(Instant now, int globalMonths) {

    /** No window at all (tests, and a configuration of 0 without team windows). */
    public static final RetentionWindow NONE = new RetentionWindow(Instant.EPOCH, 0);

    /** The oldest {@code occurredAt} kept for a user whose team window is {@code teamMonths} (null: none); null: all. */
    public Instant cutoff(Integer teamMonths) {
        int months = teamMonths != null && teamMonths > 0 ? teamMonths : globalMonths;
        return months <= 0 ? null : cutoff(now, months);
    }

    /** {@code now} minus {@code months} calendar months (UTC). */
    public static Instant cutoff(Instant now, int months) {
        return now.atOffset(ZoneOffset.UTC).minusMonths(months).toInstant();
    }
}
