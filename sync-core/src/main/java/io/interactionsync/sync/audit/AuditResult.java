package io.interactionsync.sync.audit;

import io.interactionsync.model.Completeness;
import java.util.List;

/**
 * The last audit of one account × source (× mailbox): the figures reported on {@code sync-status}, a sample of the
 * gaps still open and why.
 *
 * @param unresolvedIds at most {@link #SAMPLE} ids still missing after repair
 * @param lastError     null when complete; otherwise a human-readable reason naming the open gaps
 */
public record AuditResult(Completeness completeness, List<String> unresolvedIds, String lastError) {

    public static final int SAMPLE = 20;

    public AuditResult {
        unresolvedIds = List.copyOf(unresolvedIds);
    }

    public boolean complete() {
        return completeness.complete();
    }
}
