package io.interactionsync.normalizer.mapper;

import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.rules.MailFacts;
import io.interactionsync.normalizer.rules.MailboxContext;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one provider resource (an {@code upsert} RawRecord) into events. One implementation per source:
 * {@link GmailMapper} now; Google Calendar, Outlook mail and Outlook calendar later, with the same contract.
 * Implementations are pure: no I/O, no clock; everything they need is in the record and the context.
 */
public interface RecordMapper {

    Source source();

    /**
     * What every pass over a batch needs from a mail record (aliases, history questions, sent facts, mapping), parsed
     * once per record and handed to each pass; null when there is nothing to parse (calendars, deletions).
     *
     * @throws PayloadException when the payload cannot be parsed
     */
    default MailFacts facts(RawRecord record) {
        return null;
    }

    /**
     * Owner aliases this record reveals (R-B1: the From of the account's own SENT messages), as identity keys.
     * Learned before the batch is mapped, so a batch's received mail already knows them.
     */
    default Set<String> ownerAliases(RawRecord record, MailFacts facts) {
        return Set.of();
    }

    /**
     * Where a message sits, for mail whose provider names no folder (Outlook, R-B1): its folder id, its From key
     * (null if none) and whether it looks like the owner's own sent copy ({@code sentByOwner}: not a draft, From the
     * mailbox's address, the mailbox not among To/Cc). The folder most of those sit in is the account's Sent Items,
     * and a message there From another address reveals an alias. Empty for other sources and shared mailboxes.
     */
    default Optional<FolderEvidence> folderEvidence(RawRecord record, MailFacts facts) {
        return Optional.empty();
    }

    /** What the history lookup must answer for this record: the sender's key and the Message-IDs it replies to. */
    default HistoryQuestions historyQuestions(RawRecord record, MailFacts facts) {
        return HistoryQuestions.NONE;
    }

    /**
     * The record's events, {@code facts} being {@link #facts(RawRecord)} of the same payload.
     *
     * @throws PayloadException when the payload cannot be mapped
     */
    Mapping map(RawRecord record, MailFacts facts, MailboxContext context);

    /** {@link #map(RawRecord, MailFacts, MailboxContext)} of a record on its own, parsing its facts here. */
    default Mapping map(RawRecord record, MailboxContext context) {
        return map(record, facts(record), context);
    }

    /** Keys to ask the history about (R-C6, R-C7). */
    record HistoryQuestions(Set<String> senderKeys, Set<String> referencedMessageIds) {
        public static final HistoryQuestions NONE = new HistoryQuestions(Set.of(), Set.of());
    }

    /** See {@link #folderEvidence}. */
    record FolderEvidence(String folderId, String fromKey, boolean sentByOwner) {
    }
}
