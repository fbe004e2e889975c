package io.interactionsync.model;

import java.time.Instant;

/**
 * The result of the last completeness audit of one account × source (× shared mailbox): an id-level reconciliation
 * of what the provider holds inside the horizon, what the sync service published and what the normalizer processed.
 *
 * @param checkedAt     when the audit finished
 * @param providerCount resources the provider holds inside the horizon (those that should yield events)
 * @param ingestedCount of those, how many the normalizer had processed when the audit asked
 * @param missing       gaps found: provider resources never published or never processed, published resources the
 *                      provider no longer has, deletions or revivals never published
 * @param repaired      gaps closed by this audit (fetched and published, re-published, or deleted); {@code missing -
 *                      repaired} still open means the source is {@code incomplete}
 */
public record Completeness(Instant checkedAt, long providerCount, long ingestedCount, long missing, long repaired) {

    /** Gaps the audit found but could not close. */
    public long unresolved() {
        return Math.max(0, missing - repaired);
    }

    public boolean complete() {
        return unresolved() == 0;
    }
}
