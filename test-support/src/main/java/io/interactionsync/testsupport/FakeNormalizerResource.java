package io.interactionsync.testsupport;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event-normalizer's internal {@code ingested} API served inside a sync service's test application (the real
 * normalizer runs in deploy's end-to-end test): by default every record counts as processed; a test names the
 * (account, source, id) triples the normalizer "lost" with {@link #lose}, and those it dead-lettered with
 * {@link #deadLetter}. Point the service's
 * {@code quarkus.rest-client.normalizer.url} at the test app, which must index test-support
 * ({@code quarkus.index-dependency.test-support.*}).
 */
@Path("/internal/v1/accounts")
public class FakeNormalizerResource {

    private static final Set<String> LOST = ConcurrentHashMap.newKeySet();
    private static final Map<String, DeadLettered> DEAD_LETTERED = new ConcurrentHashMap<>();
    private static final Map<String, Integer> CHECKED = new ConcurrentHashMap<>();

    /** The normalizer never processed these records (until {@link #reset} or they are asked about after a re-publish). */
    public static void lose(String accountId, String source, String... remoteIds) {
        for (String id : remoteIds) {
            LOST.add(key(accountId, source, id));
        }
    }

    /**
     * The normalizer dead-lettered this record, with that DLQ code and reason (until {@link #reset} or
     * {@link #processed}): as the real one, it answers it under {@code deadLettered}, not {@code missing}.
     */
    public static void deadLetter(String accountId, String source, String remoteId, String code, String reason) {
        LOST.remove(key(accountId, source, remoteId));
        DEAD_LETTERED.put(key(accountId, source, remoteId), new DeadLettered(remoteId, code, reason));
    }

    /** How many ids the sync service asked about for this account. */
    public static int checked(String accountId) {
        return CHECKED.getOrDefault(accountId, 0);
    }

    public static void reset() {
        LOST.clear();
        DEAD_LETTERED.clear();
        CHECKED.clear();
    }

    public record IngestedRequest(String source, List<String> remoteIds) {
    }

    public record IngestedResponse(int checked, List<String> missing, List<DeadLettered> deadLettered) {
    }

    public record DeadLettered(String remoteId, String code, String reason) {
    }

    @POST
    @Path("/{id}/ingested")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public IngestedResponse ingested(@PathParam("id") String accountId, IngestedRequest request) {
        List<String> ids = request.remoteIds() == null ? List.of() : request.remoteIds();
        CHECKED.merge(accountId, ids.size(), Integer::sum);
        List<String> missing = ids.stream().filter(id -> LOST.contains(key(accountId, request.source(), id))).toList();
        List<DeadLettered> deadLettered = ids.stream().map(id -> DEAD_LETTERED.get(key(accountId, request.source(), id)))
                .filter(java.util.Objects::nonNull).toList();
        return new IngestedResponse(ids.size(), missing, deadLettered);
    }

    /** A re-published (or, after a dead letter, a valid) record reaches the (fake) normalizer: processed from now on. */
    public static void processed(String accountId, String source, String remoteId) {
        LOST.remove(key(accountId, source, remoteId));
        DEAD_LETTERED.remove(key(accountId, source, remoteId));
    }

    private static String key(String accountId, String source, String id) {
        return accountId + '\n' + source + '\n' + id;
    }
}
