package io.interactionsync.normalizer.rules;

import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.normalizer.parse.ParsedAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Direction (R-B1) and the outside participants of a message, one per contact × role (R-B2..R-B4). */
public final class Participants {

    /** One outside participant of a message. */
    public record Participant(String contactKey, String contactEmail, String name, Role role) {
    }

    private Participants() {
    }

    /** R-B1: From ∈ owner addresses → outbound; the owner's own sent copy is outbound too. */
    public static boolean isOutbound(MailFacts m, MailboxContext ctx) {
        if (m.from() != null) {
            return ctx.isOwner(m.from().key()) || m.ownCopy();
        }
        return m.ownCopy();
    }

    /**
     * R-B3: outbound → each To/Cc/Bcc recipient; inbound → the sender (from) and each outside co-recipient
     * (to/cc). R-B4: Bcc only on the sender's own copy. R-B2: internal addresses never become contacts.
     */
    public static List<Participant> outside(MailFacts m, boolean outbound, MailboxContext ctx) {
        Map<String, Participant> byKeyAndRole = new LinkedHashMap<>();
        if (outbound) {
            add(byKeyAndRole, m.to(), Role.TO, ctx);
            add(byKeyAndRole, m.cc(), Role.CC, ctx);
            if (m.ownCopy()) {
                add(byKeyAndRole, m.bcc(), Role.BCC, ctx);
            }
        } else {
            if (m.from() != null) {
                add(byKeyAndRole, List.of(m.from()), Role.FROM, ctx);
            }
            add(byKeyAndRole, m.to(), Role.TO, ctx);
            add(byKeyAndRole, m.cc(), Role.CC, ctx);
        }
        return new ArrayList<>(byKeyAndRole.values());
    }

    private static void add(Map<String, Participant> into, List<ParsedAddress> addresses, Role role, MailboxContext ctx) {
        for (ParsedAddress a : addresses) {
            if (ctx.isInternal(a.key())) {
                continue;
            }
            String k = a.key() + "\u0000" + role;
            Participant existing = into.get(k);
            if (existing == null || existing.name() == null && a.name() != null) {
                into.put(k, new Participant(a.key(), existing == null ? a.normalized() : existing.contactEmail(),
                        a.name(), role));
            }
        }
    }
}
