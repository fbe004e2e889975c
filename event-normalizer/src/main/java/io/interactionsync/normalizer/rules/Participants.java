package io.interactionsync.normalizer.rules;

import io.interactionsync.model.InteractionEvent.Role;
import io.interactionsync.normalizer.parse.ParsedAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Direction (R-B1) and the outside participants of a message, one per contact × role (R-B2..R-B4), bounded by the
 * fan-out cap (R-B3, issue 18).
 */
public final class Participants {

    /** The fan-out cap when none is configured (the default of {@code normalizer.fan-out.max-recipients}). */
    public static final int DEFAULT_MAX_RECIPIENTS = 100;

    /** One outside participant of a message. */
    public record Participant(String contactKey, String contactEmail, String name, Role role) {
    }

    /**
     * The participants that become events, after the fan-out cap.
     *
     * @param recipientCount the message's distinct recipients: To + Cc, + Bcc on the sender's own copy (R-B4), inside
     *                       and outside the organisation, before the cap
     * @param truncated      {@code recipientCount} exceeded the cap: a broadcast, not a relationship; only the sender
     *                       (inbound) and the first recipients are kept
     */
    public record Outside(List<Participant> participants, int recipientCount, boolean truncated) {
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
     * R-B3 with the fan-out cap: a message with more than {@code maxRecipients} recipients keeps the sender (inbound)
     * and the first {@code maxRecipients} outside recipients, in header order (To, then Cc, then Bcc), so one record
     * yields at most {@code maxRecipients + 1} events however many addresses it lists.
     */
    public static Outside outside(MailFacts m, boolean outbound, MailboxContext ctx, int maxRecipients) {
        int recipientCount = recipientCount(m);
        List<Participant> all = outside(m, outbound, ctx);
        if (recipientCount <= maxRecipients) {
            return new Outside(all, recipientCount, false);
        }
        List<Participant> kept = new ArrayList<>(Math.min(all.size(), maxRecipients + 1));
        int recipients = 0;
        for (Participant p : all) {
            if (p.role() == Role.FROM) {
                kept.add(p);
            } else if (recipients < maxRecipients) {
                kept.add(p);
                recipients++;
            }
        }
        return new Outside(kept, recipientCount, true);
    }

    /** The distinct recipients of a message: To + Cc, + Bcc only on the sender's own copy (R-B4). */
    public static int recipientCount(MailFacts m) {
        Set<String> keys = new HashSet<>();
        m.to().forEach(a -> keys.add(a.key()));
        m.cc().forEach(a -> keys.add(a.key()));
        if (m.ownCopy()) {
            m.bcc().forEach(a -> keys.add(a.key()));
        }
        return keys.size();
    }

    /**
     * R-B3: outbound → each To/Cc/Bcc recipient; inbound → the sender (from) and each outside co-recipient
     * (to/cc). R-B4: Bcc only on the sender's own copy. R-B2: internal addresses never become contacts.
     */
    private static List<Participant> outside(MailFacts m, boolean outbound, MailboxContext ctx) {
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
