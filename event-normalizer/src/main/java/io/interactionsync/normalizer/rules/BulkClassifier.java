package io.interactionsync.normalizer.rules;

import io.interactionsync.model.InteractionEvent.Classification;
import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.parse.AddressParser;
import io.interactionsync.normalizer.parse.MessageIds;
import io.interactionsync.normalizer.parse.ParsedAddress;
import io.interactionsync.normalizer.mapper.RecordMapper.HistoryQuestions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The soft score R-C6, the classification R-C7 and the role-address policy R-C8. Headers only. */
public final class BulkClassifier {

    /** Outcome: the class, the score, and which signals fired (for logs and tests). */
    public record Verdict(Classification classification, int score, List<String> signals) {
        public boolean newsletter() {
            return classification == Classification.BULK;
        }
    }

    private static final Pattern NO_REPLY_LOCAL = Pattern.compile(
            "^(no-?reply|do-?not-?reply|donotreply|notifications?|mailer|newsletter)", Pattern.CASE_INSENSITIVE);
    /** Role mailboxes (R-C8): classified (+1), never dropped. */
    private static final Set<String> ROLE_LOCALS = Set.of("info", "sales", "team", "support", "hello", "contact",
            "admin", "billing", "help", "marketing", "news", "updates", "office", "hr", "jobs", "careers", "press",
            "events", "service", "accounts", "feedback", "enquiries", "inquiries", "media", "community", "alerts");
    /** Shared inboxes a VC writes to like a person (R-C8, ours): no role point. */
    private static final Pattern SHARED_INBOX_LOCAL = Pattern.compile("^(founders|deals|invest.*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern VERP_RETURN_PATH = Pattern.compile("(-bounces|-request|^owner-|bounce)",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> GMAIL_CATEGORIES = Set.of("category_promotions", "category_social",
            "category_updates", "category_forums");
    private static final int LARGE_RECIPIENT_COUNT = 25;

    private BulkClassifier() {
    }

    /** The header-only part of the score, before the user's history (R-C6) is applied. */
    private record Base(int score, List<String> signals, boolean listFired, boolean roleSender) {
    }

    /**
     * R-B3 fan-out cap: a message to more recipients than the cap is a broadcast, not a relationship — bulk and a
     * newsletter whichever way it goes (the user's own mass mailing too), whatever the headers and history say.
     */
    public static Verdict broadcast() {
        return new Verdict(Classification.BULK, 0, List.of("fan-out-cap"));
    }

    /** Classifies an inbound message from {@code m.from()}; outbound mail is written by the user: person. */
    public static Verdict classify(MailFacts m, boolean outbound, History history) {
        if (outbound) {
            return new Verdict(Classification.PERSON, 0, List.of());
        }
        Base base = base(m);
        List<String> signals = new ArrayList<>(base.signals());
        int score = base.score();
        if (repliesToUser(m.headers(), history)) {
            score -= 3;
            signals.add("reply-to-user");
        }
        boolean emailedBefore = m.from() != null && history.userHasEmailed(m.from().normalized());
        if (emailedBefore) {
            score -= 2;
            signals.add("user-emailed-sender");
        }
        if (base.listFired() && !base.roleSender() && emailedBefore) {
            return new Verdict(Classification.LIST, score, List.copyOf(signals));
        }
        Classification c = score >= 4 ? Classification.BULK
                : score >= 2 ? Classification.LOW_CONFIDENCE : Classification.PERSON;
        return new Verdict(c, score, List.copyOf(signals));
    }

    /**
     * What to ask the user's history about this message: its sender and the messages it replies to — only when the
     * answer can change the class (a header score of 2 or more, or list headers); for everyday person-to-person mail
     * history only lowers a score that is already "person", so it is not looked up.
     */
    public static HistoryQuestions historyQuestions(MailFacts m) {
        Base base = base(m);
        if (base.score() < 2 && !base.listFired()) {
            return HistoryQuestions.NONE;
        }
        Set<String> refs = new LinkedHashSet<>(MessageIds.references(m.headers().first("In-Reply-To")));
        refs.addAll(MessageIds.references(m.headers().joined("References")));
        return new HistoryQuestions(m.from() == null ? Set.of() : Set.of(m.from().normalized()), refs);
    }

    private static Base base(MailFacts m) {
        Headers h = m.headers();
        List<String> signals = new ArrayList<>();
        int score = 0;
        if (h.has("List-Unsubscribe")) {
            score += 3;
            signals.add("list-unsubscribe");
        }
        if (h.has("List-Unsubscribe-Post")) {
            score += 3;
            signals.add("list-unsubscribe-post");
        }
        if (h.has("Feedback-ID")) {
            score += 2;
            signals.add("feedback-id");
        }
        boolean listHeaders = h.has("List-Id") || h.has("Mailing-List") || h.has("X-Mailman-Version")
                || h.has("X-Google-Group-Id");
        if (listHeaders) {
            score += 2;
            signals.add("list-id");
        }
        String precedence = h.first("Precedence") == null ? "" : h.first("Precedence").strip().toLowerCase(Locale.ROOT);
        if (precedence.equals("bulk") || precedence.equals("junk")) {
            score += 3;
            signals.add("precedence-bulk");
        } else if (precedence.equals("list")) {
            score += 2;
            signals.add("precedence-list");
            listHeaders = true;
        }
        if (verpReturnPath(h.first("Return-Path"))) {
            score += 2;
            signals.add("verp-return-path");
        }
        boolean roleSender = false;
        if (m.from() != null) {
            String local = AddressKeys.localOf(m.from().key());
            if (NO_REPLY_LOCAL.matcher(local).find()) {
                score += 3;
                roleSender = true;
                signals.add("no-reply-sender");
            } else if (isRoleLocal(local)) {
                score += 1;
                roleSender = true;
                signals.add("role-sender");
            }
        }
        if (h.has("X-Auto-Response-Suppress")) {
            score += 1;
            signals.add("x-auto-response-suppress");
        }
        if (m.to().size() + m.cc().size() > LARGE_RECIPIENT_COUNT) {
            score += 1;
            signals.add("many-recipients");
        }
        if (m.folders().stream().anyMatch(GMAIL_CATEGORIES::contains)) {
            score += 1;
            signals.add("gmail-category");
        }
        return new Base(score, signals, listHeaders || h.has("List-Unsubscribe"), roleSender);
    }

    /** R-C8: role mailbox ({@code info@}, {@code sales@}…), but not the shared inboxes kept as contacts. */
    public static boolean isRoleLocal(String local) {
        String l = local.toLowerCase(Locale.ROOT);
        if (SHARED_INBOX_LOCAL.matcher(l).matches()) {
            return false;
        }
        return ROLE_LOCALS.contains(l);
    }

    private static boolean verpReturnPath(String returnPath) {
        if (returnPath == null) {
            return false;
        }
        for (ParsedAddress a : AddressParser.parse(returnPath).addresses()) {
            if (VERP_RETURN_PATH.matcher(AddressKeys.localOf(a.key())).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean repliesToUser(Headers h, History history) {
        List<String> ids = new ArrayList<>(MessageIds.references(h.first("In-Reply-To")));
        ids.addAll(MessageIds.references(h.joined("References")));
        return ids.stream().anyMatch(history::userSentMessage);
    }
}
