package io.interactionsync.emulator.microsoft.graph;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The state a nextLink/deltaLink carries (query options live in the links, as in Graph). {@code folder} is the folder
 * id for message delta, {@link #FOLDERS} for mailFolders delta, {@code calendarView} for calendar delta (whose
 * {@code select}/{@code filter} carry the startDateTime/endDateTime of the first request). A round serves the changes
 * with {@code fromSequence < sequence <= snapshot}; {@code after} is the last sequence served in the round (so a
 * change made mid-round never shifts a page), {@code offset} the number served (calendar pages, {@code $top}).
 */
record DeltaState(String mailbox, String folder, long fromSequence, long snapshot, int offset, String select,
        String filter, int top, String changeType, long after) {

    static final String FOLDERS = "#folders";

    DeltaState(String mailbox, String folder, long fromSequence, long snapshot, int offset, String select, String filter, int top) {
        this(mailbox, folder, fromSequence, snapshot, offset, select, filter, top, null, 0);
    }

    /** The next page of this round. */
    DeltaState next(int served, long lastSequence) {
        return new DeltaState(mailbox, folder, fromSequence, snapshot, offset + served, select, filter, top, changeType, lastSequence);
    }

    /** The deltaLink's state: the next round starts after this round's snapshot. */
    DeltaState endOfRound() {
        return new DeltaState(mailbox, folder, snapshot, snapshot, 0, select, filter, 0, changeType, 0);
    }

    /** A new round from this deltaLink, up to {@code newSnapshot}. */
    DeltaState newRound(long newSnapshot) {
        return new DeltaState(mailbox, folder, snapshot, newSnapshot, 0, select, filter, 0, changeType, 0);
    }

    String encode() {
        String text = String.join("\u0001", "v2", mailbox, folder, Long.toString(fromSequence), Long.toString(snapshot),
                Integer.toString(offset), select == null ? "" : select, filter == null ? "" : filter, Integer.toString(top),
                changeType == null ? "" : changeType, Long.toString(after));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<DeltaState> decode(String token) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\u0001", -1);
            if (p.length != 11 || !p[0].equals("v2")) {
                return Optional.empty();
            }
            return Optional.of(new DeltaState(p[1], p[2], Long.parseLong(p[3]), Long.parseLong(p[4]),
                    Integer.parseInt(p[5]), p[6].isEmpty() ? null : p[6], p[7].isEmpty() ? null : p[7], Integer.parseInt(p[8]),
                    p[9].isEmpty() ? null : p[9], Long.parseLong(p[10])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
