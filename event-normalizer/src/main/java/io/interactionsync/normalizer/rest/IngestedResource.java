package io.interactionsync.normalizer.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interactionsync.model.Source;
import io.interactionsync.normalizer.parse.Text;
import io.interactionsync.normalizer.repository.IngestedRepository;
import io.interactionsync.normalizer.repository.ResourceIds;
import io.interactionsync.normalizer.security.ClientProviders;
import io.interactionsync.normalizer.service.NormalizerMetrics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.Authenticated;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Internal, service-to-service: which of a list of provider ids the normalizer never processed for an account and
 * source, and which it dead-lettered — the normalizer's side of the sync services' completeness audit. Only the sync
 * services' client-credentials JWTs (issued by the portal IdP, with the internal audience; see
 * {@code security/CallerPolicies}) may call it; a user JWT gets 403 whatever its roles.
 *
 * <p>{@code POST /internal/v1/accounts/{accountId}/ingested} {@code {"source": "gmail", "remoteIds": ["…"]}} (at most
 * {@value #MAX_REMOTE_IDS} ids) → {@code {"checked": n, "missing": ["…"], "deadLettered": [{"remoteId": "…",
 * "code": "…", "reason": "…"}]}}: {@code checked} counts the distinct ids; of those without a {@code record_versions}
 * row, {@code deadLettered} lists the ones whose last record was dead-lettered (re-publishing them would only
 * dead-letter them again) and {@code missing} the ones never seen, both in request order and once each. The account
 * is the envelope's {@code accountId} (for a shared mailbox: the account the record was published under). Each client
 * asks only about its own provider ({@link ClientProviders}): a source or an account (by its events) of another
 * provider → 403 {@code provider_not_allowed}.
 */
@Path("/internal/v1/accounts")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class IngestedResource {

    /** Ids per call: a sync service pages its audit in chunks of this size. */
    public static final int MAX_REMOTE_IDS = 5_000;

    /** The answer. */
    public record Ingested(int checked, List<String> missing, List<DeadLettered> deadLettered) {
    }

    /** An id whose record the normalizer dead-lettered: the dead letter's code and a short reason. */
    public record DeadLettered(String remoteId, String code, String reason) {
    }

    private final IngestedRepository repository;
    private final NormalizerMetrics metrics;
    private final ObjectMapper mapper;
    private final ClientProviders providers;
    private final JsonWebToken caller;

    public IngestedResource(IngestedRepository repository, NormalizerMetrics metrics, ObjectMapper mapper,
                            ClientProviders providers, JsonWebToken caller) {
        this.repository = repository;
        this.metrics = metrics;
        this.mapper = mapper;
        this.providers = providers;
        this.caller = caller;
    }

    @POST
    @Path("{accountId}/ingested")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking // parsing 5,000 ids and hashing them is CPU work: not on the event loop that drives Kafka and PostgreSQL
    public Uni<Ingested> ingested(@PathParam("accountId") String accountId, String body) {
        if (!Text.isSafeId(accountId)) {
            throw bad("invalid_account_id", "accountId is blank, longer than " + Text.MAX_ID
                    + " characters or has control characters");
        }
        Request request = parse(body);
        // a sync service asks only about its own provider's sources and accounts (CallerPolicies admitted the client)
        Object claim = caller.getClaim("client_id");
        String clientId = claim instanceof JsonString js ? js.getString() : claim == null ? null : String.valueOf(claim);
        providers.require(clientId, request.source().provider());
        // distinct ids in request order, each with its record_versions key
        Map<String, UUID> ids = new LinkedHashMap<>(request.remoteIds().size() * 2);
        for (String remoteId : request.remoteIds()) {
            ids.computeIfAbsent(remoteId, r -> ResourceIds.of(accountId, request.source(), r));
        }
        return repository.provider(accountId)
                .invoke(provider -> provider.ifPresent(p -> providers.require(clientId, p)))
                .flatMap(provider -> repository.known(ids.values())).map(known -> {
            List<String> missing = new ArrayList<>();
            List<DeadLettered> deadLettered = new ArrayList<>();
            ids.forEach((remoteId, resourceId) -> {
                IngestedRepository.DeadLettered dead = known.deadLettered().get(resourceId);
                if (dead != null) {
                    deadLettered.add(new DeadLettered(remoteId, dead.code(), dead.reason()));
                } else if (!known.processed().contains(resourceId)) {
                    missing.add(remoteId);
                }
            });
            metrics.ingestedCheck(request.source(), known.processed().size(), missing.size(), deadLettered.size());
            return new Ingested(ids.size(), missing, deadLettered);
        });
    }

    private record Request(Source source, List<String> remoteIds) {
    }

    private Request parse(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw bad("malformed_json", "the body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw bad("invalid_body", "the body must be an object {\"source\": …, \"remoteIds\": […]}");
        }
        Source source;
        try {
            source = Source.fromWireName(json.path("source").asText(""));
        } catch (IllegalArgumentException e) {
            throw bad("invalid_source", "source must be one of gmail, google_calendar, outlook_mail, outlook_calendar");
        }
        JsonNode remoteIds = json.get("remoteIds");
        if (remoteIds == null || !remoteIds.isArray()) {
            throw bad("invalid_remote_ids", "remoteIds must be an array of strings");
        }
        if (remoteIds.size() > MAX_REMOTE_IDS) {
            throw bad("too_many_remote_ids", "at most " + MAX_REMOTE_IDS + " remoteIds per call (got "
                    + remoteIds.size() + "); send them in chunks");
        }
        List<String> out = new ArrayList<>(remoteIds.size());
        for (JsonNode id : remoteIds) {
            if (!id.isTextual()) {
                throw bad("invalid_remote_ids", "remoteIds must be an array of strings");
            }
            out.add(id.textValue());
        }
        return new Request(source, out);
    }

    private static ProblemException bad(String code, String detail) {
        return new ProblemException(Problem.badRequest(code, detail));
    }
}
