package io.interactionsync.normalizer.rules;

/** Hard rules of NORMALIZATION-RULES §C: the message produces no events. First match wins, in this order. */
public enum SkipReason {
    /** R-C1: SPAM, TRASH or DRAFT (Outlook junkemail, deleteditems, drafts). */
    SPAM_TRASH_DRAFT("R-C1"),
    /** R-C2: Auto-Submitted present and not "no". */
    AUTOMATED("R-C2"),
    /** R-C3: null Return-Path, mailer-daemon/postmaster sender, multipart/report. */
    BOUNCE("R-C3"),
    /** R-C4: a calendar invitation or reply sent by mail; meetings come from the calendar APIs only. */
    CALENDAR_NOTIFICATION("R-C4"),
    /** R-C5: outbound mail whose only recipients are unsubscribe mailboxes. */
    UNSUBSCRIBE_ONLY("R-C5"),
    /** R-B3: every participant is internal. */
    ALL_INTERNAL("R-B3"),
    /** R-D1: a cancelled meeting (Google status=cancelled, Graph isCancelled). */
    CANCELLED("R-D1"),
    /** R-D2: not a real meeting (focusTime, outOfOffice, workingLocation…, Graph seriesMaster). */
    NOT_A_MEETING("R-D2"),
    /** R-D4: the member declined the meeting. */
    DECLINED_BY_MEMBER("R-D4"),
    /** R-F2: the provider reports the item removed ({@code @removed} in a Graph delta). */
    REMOVED("R-F2");

    private final String rule;

    SkipReason(String rule) {
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }

    /** The metric tag value, e.g. {@code spam_trash_draft}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
