package io.interactionsync.googlesync.source.gmail;

import io.interactionsync.googlesync.client.gmail.GmailPort;
import io.interactionsync.sync.publish.StatusReporter;

/**
 * One account's Gmail during one job: who it is, how to reach Gmail, where status goes.
 *
 * @param mailbox the account's email address (the mailbox read)
 */
public record GmailSession(String accountId, String userId, String mailbox, GmailPort gmail, StatusReporter status) {
}
