package io.interactionsync.emulator.generate;

import java.time.ZoneId;

/** Someone who sends or receives generated mail: a team member, an outside contact or an automated sender. */
record Person(String name, String email, ZoneId zone, Kind kind, NameStyle style) {

    enum Kind { TEAM, CONTACT, NEWSLETTER, NOTIFICATION, LIST, SPAMMER }

    /** How the sender's mail client writes this person's display name. */
    enum NameStyle { PLAIN, QUOTED, LAST_COMMA_FIRST, ENCODED_WORD, ADDRESS_ONLY }

    boolean team() {
        return kind == Kind.TEAM;
    }
}
