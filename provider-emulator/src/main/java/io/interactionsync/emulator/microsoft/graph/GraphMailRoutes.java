package io.interactionsync.emulator.microsoft.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.faults.Omission;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.MicrosoftErrors;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.microsoft.graph.GraphAccess.MailboxTarget;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.GraphMailbox.Entry;
import io.interactionsync.emulator.store.GraphMailbox.Folder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outlook mail on Graph v1.0, for {@code /me} and {@code /users/{id|upn}}: message delta per folder, mailFolders
 * delta (the whole folder tree, with {@code @removed}), folder list/get/childFolders, message get and list. Folders are
 * named by id or well-known name. Ids follow {@code Prefer: IdType="ImmutableId"} (see {@link GraphMailbox}).
 */
final class GraphMailRoutes {

    private static final String OWNER = "/v1\\.0/(?<owner>me|users/[^/]+)";
    private static final String FUNCTION = "(\\(\\)|%28%29)?";
    private static final Pattern FILTER = Pattern.compile("receivedDateTime\\s+(ge|gt)\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> BODY_FIELDS = Set.of("body", "uniqueBody", "bodyPreview");

    private final GraphAccess access;

    GraphMailRoutes(GraphAccess access) {
        this.access = access;
    }

    void register(Router router) {
        router.getWithRegex(OWNER + "/mailFolders/delta" + FUNCTION).handler(this::folderDelta);
        router.getWithRegex(OWNER + "/mailFolders/(?<folder>[^/]+)/messages/delta" + FUNCTION).handler(this::messageDelta);
        router.getWithRegex(OWNER + "/mailFolders/(?<folder>[^/]+)/messages/(?<id>[^/]+)").handler(this::getMessage);
        router.getWithRegex(OWNER + "/mailFolders/(?<folder>[^/]+)/messages").handler(this::listMessages);
        router.getWithRegex(OWNER + "/mailFolders/(?<folder>[^/]+)/childFolders").handler(this::listFolders);
        router.getWithRegex(OWNER + "/mailFolders/(?<folder>[^/]+)").handler(this::getFolder);
        router.getWithRegex(OWNER + "/mailFolders").handler(this::listFolders);
        router.getWithRegex(OWNER + "/messages/(?<id>[^/]+)").handler(this::getMessage);
    }

    private static Optional<Folder> folder(RoutingContext rc, GraphMailbox mailbox) {
        return mailbox.folder(GraphAccess.decodePath(rc.pathParam("folder")));
    }

    // ------------------------------------------------------------------------------------------ message delta

    private void messageDelta(RoutingContext rc) {
        Optional<MailboxTarget> found = access.mailbox(rc, "graph.mail.delta");
        if (found.isEmpty()) {
            return;
        }
        MailboxTarget target = found.get();
        Optional<Folder> folder = folder(rc, target.mailbox());
        if (folder.isEmpty()) {
            GraphAccess.itemNotFound(rc);
            return;
        }
        GraphMailbox mailbox = target.mailbox();
        var params = rc.request().params();
        DeltaState state;
        if (params.get("$skiptoken") != null || params.get("$deltatoken") != null) {
            Optional<DeltaState> resumed = resume(rc, mailbox, target.key(), folder.get().id());
            if (resumed.isEmpty()) {
                return;
            }
            state = resumed.get();
        } else {
            String error = firstRequestError(params.get("changeType"), params.get("$search"), params.get("$orderby"),
                    params.get("$filter"));
            if (error != null) {
                Responses.json(rc, 400, MicrosoftErrors.graph(error.startsWith("$filter") ? "ErrorInvalidUrlQueryFilter"
                        : "ErrorInvalidUrlQuery", error));
                return;
            }
            int top = 0;
            if (params.get("$top") != null) {
                try {
                    top = Integer.parseInt(params.get("$top"));
                } catch (NumberFormatException e) {
                    Responses.json(rc, 400, MicrosoftErrors.graph("BadRequest", "Invalid $top value."));
                    return;
                }
            }
            state = new DeltaState(target.key(), folder.get().id(), 0, mailbox.sequence(), 0, params.get("$select"),
                    params.get("$filter"), top, params.get("changeType"), 0);
        }
        Instant since;
        boolean strict;
        try {
            Matcher m = state.filter() == null ? null : FILTER.matcher(state.filter().trim());
            since = m != null && m.matches() ? OffsetDateTime.parse(m.group(2)).toInstant() : null;
            strict = m != null && m.matches() && m.group(1).equalsIgnoreCase("gt");
        } catch (DateTimeParseException e) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQueryFilter", "Invalid date in $filter."));
            return;
        }
        boolean immutable = GraphAccess.prefersImmutableIds(rc);
        // The net change per id since the round's start: a message that left and came back is one item.
        Map<String, Entry> net = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>(mailbox.folderEntries(folder.get().id()));
        entries.sort(Comparator.comparingLong(Entry::sequence));
        for (Entry e : entries) {
            if (e.sequence() <= state.fromSequence() || e.sequence() > state.snapshot()) {
                continue;
            }
            if (state.fromSequence() == 0 && e.removed()) {
                continue;
            }
            if (state.changeType() != null) {
                String kind = e.removed() ? "deleted" : e.created() > state.fromSequence() ? "created" : "updated";
                if (!kind.equals(state.changeType())) {
                    continue;
                }
            }
            if (since != null && !e.removed() && !receivedSince(e, since, strict)) {
                continue;
            }
            net.remove(e.id(immutable));
            net.put(e.id(immutable), e);
        }
        List<Entry> changes = new ArrayList<>(net.values());
        changes.sort(Comparator.comparingLong(Entry::sequence));
        int pageSize = GraphAccess.pageSize(rc);
        int budget = state.top() > 0 ? Math.max(0, state.top() - state.offset()) : Integer.MAX_VALUE;
        List<Entry> remaining = changes.stream().filter(e -> e.sequence() > state.after()).limit(budget).toList();
        List<Entry> page = remaining.subList(0, Math.min(pageSize, remaining.size()));
        Set<String> select = GraphAccess.select(state.select());
        ArrayNode value = Json.array();
        // An omit fault drops items silently; the links below still move past them.
        for (Entry e : Omission.of(rc).filter(page)) {
            value.add(e.removed() ? removed("#microsoft.graph.message", e.id(immutable))
                    : project(e, select, target.bodyAllowed(), immutable, true));
        }
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(message)");
        if (page.size() < remaining.size()) {
            out.put("@odata.nextLink", access.link(rc, "$skiptoken", state.next(page.size(), page.getLast().sequence()).encode()));
        } else {
            out.put("@odata.deltaLink", access.link(rc, "$deltatoken", state.endOfRound().encode()));
        }
        out.set("value", value);
        GraphAccess.preferenceApplied(rc, pageSize, immutable);
        Responses.json(rc, 200, out);
    }

    /** The state of a nextLink/deltaLink for this mailbox and folder; a 400 or 410 answered when there is none. */
    private Optional<DeltaState> resume(RoutingContext rc, GraphMailbox mailbox, String mailboxKey, String folder) {
        var params = rc.request().params();
        boolean skip = params.get("$skiptoken") != null;
        Optional<DeltaState> decoded = DeltaState.decode(skip ? params.get("$skiptoken") : params.get("$deltatoken"));
        if (decoded.isEmpty() || !decoded.get().mailbox().equals(mailboxKey) || !decoded.get().folder().equals(folder)) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "The delta or skip token is invalid."));
            return Optional.empty();
        }
        DeltaState d = decoded.get();
        long oldest = mailbox.oldestValidSequence();
        if (d.snapshot() < oldest || d.fromSequence() > 0 && d.fromSequence() < oldest) {
            rc.response().putHeader("Location", access.link(rc, null, null));
            Responses.json(rc, 410, MicrosoftErrors.graph("syncStateNotFound",
                    "The sync state generation is not found or has expired. Resync from scratch."));
            return Optional.empty();
        }
        return Optional.of(skip ? d : d.newRound(mailbox.sequence()));
    }

    private static String firstRequestError(String changeType, String search, String orderBy, String filter) {
        if (changeType != null && !Set.of("created", "updated", "deleted").contains(changeType)) {
            return "changeType must be created, updated or deleted.";
        }
        if (search != null) {
            return "$search is not supported on delta queries.";
        }
        if (orderBy != null && !orderBy.trim().equalsIgnoreCase("receivedDateTime desc")) {
            return "Only $orderby=receivedDateTime desc is supported with delta.";
        }
        if (filter != null && !FILTER.matcher(filter.trim()).matches()) {
            return "$filter: only receivedDateTime ge|gt filters are supported with delta.";
        }
        return null;
    }

    private static boolean receivedSince(Entry e, Instant since, boolean strict) {
        String received = e.message().path("receivedDateTime").asText(null);
        if (received == null) {
            return true;
        }
        Instant at = OffsetDateTime.parse(received).toInstant();
        return strict ? at.isAfter(since) : !at.isBefore(since);
    }

    // ------------------------------------------------------------------------------------------ folder delta

    private void folderDelta(RoutingContext rc) {
        Optional<MailboxTarget> found = access.mailbox(rc, "graph.mailFolders.delta");
        if (found.isEmpty()) {
            return;
        }
        MailboxTarget target = found.get();
        GraphMailbox mailbox = target.mailbox();
        DeltaState state;
        var params = rc.request().params();
        if (params.get("$skiptoken") != null || params.get("$deltatoken") != null) {
            Optional<DeltaState> resumed = resume(rc, mailbox, target.key(), DeltaState.FOLDERS);
            if (resumed.isEmpty()) {
                return;
            }
            state = resumed.get();
        } else {
            state = new DeltaState(target.key(), DeltaState.FOLDERS, 0, mailbox.sequence(), 0, params.get("$select"),
                    null, 0, null, 0);
        }
        List<Folder> remaining = mailbox.folderChanges(state.fromSequence(), state.snapshot()).stream()
                .filter(f -> f.sequence() > state.after()).toList();
        int pageSize = GraphAccess.pageSize(rc);
        List<Folder> page = remaining.subList(0, Math.min(pageSize, remaining.size()));
        Set<String> select = GraphAccess.select(state.select());
        ArrayNode value = Json.array();
        for (Folder f : Omission.of(rc).filter(page)) {
            value.add(f.removed() ? removed("#microsoft.graph.mailFolder", f.id()) : folderJson(mailbox, f, select));
        }
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(mailFolder)");
        if (page.size() < remaining.size()) {
            out.put("@odata.nextLink", access.link(rc, "$skiptoken", state.next(page.size(), page.getLast().sequence()).encode()));
        } else {
            out.put("@odata.deltaLink", access.link(rc, "$deltatoken", state.endOfRound().encode()));
        }
        out.set("value", value);
        GraphAccess.preferenceApplied(rc, pageSize, GraphAccess.prefersImmutableIds(rc));
        Responses.json(rc, 200, out);
    }

    // ------------------------------------------------------------------------------------------ folders

    private void getFolder(RoutingContext rc) {
        Optional<MailboxTarget> found = access.mailbox(rc, "graph.mailFolders");
        if (found.isEmpty()) {
            return;
        }
        Optional<Folder> folder = folder(rc, found.get().mailbox());
        if (folder.isEmpty()) {
            GraphAccess.itemNotFound(rc);
            return;
        }
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users('" + found.get().key() + "')/mailFolders/$entity");
        out.setAll(folderJson(found.get().mailbox(), folder.get(), GraphAccess.select(rc.request().getParam("$select"))));
        Responses.json(rc, 200, out);
    }

    /**
     * {@code /mailFolders} (children of the root) and {@code /mailFolders/{id}/childFolders}, paged with $top/$skip
     * (the nextLink keeps {@code $select} and {@code includeHiddenFolders}).
     */
    private void listFolders(RoutingContext rc) {
        Optional<MailboxTarget> found = access.mailbox(rc, "graph.mailFolders.list");
        if (found.isEmpty()) {
            return;
        }
        GraphMailbox mailbox = found.get().mailbox();
        String parent = mailbox.rootId();
        if (rc.pathParam("folder") != null) {
            Optional<Folder> folder = folder(rc, mailbox);
            if (folder.isEmpty()) {
                GraphAccess.itemNotFound(rc);
                return;
            }
            parent = folder.get().id();
        }
        Paging paging = Paging.of(rc);
        if (paging == null) {
            return;
        }
        List<Folder> children = mailbox.children(parent);
        Set<String> select = GraphAccess.select(rc.request().getParam("$select"));
        ArrayNode value = Json.array();
        // An omit fault drops folders silently; the nextLink still moves past them. No folder here is hidden, so
        // includeHiddenFolders changes nothing.
        Omission.of(rc).filter(children.stream().skip(paging.skip()).limit(paging.top()).toList())
                .forEach(f -> value.add(folderJson(mailbox, f, select)));
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(mailFolder)");
        out.set("value", value);
        if (paging.skip() + paging.top() < children.size()) {
            out.put("@odata.nextLink", paging.nextLink(access.base(rc), rc));
        }
        Responses.json(rc, 200, out);
    }

    private static ObjectNode folderJson(GraphMailbox mailbox, Folder f, Set<String> select) {
        ObjectNode all = Json.object();
        all.put("id", f.id());
        all.put("displayName", f.displayName());
        all.put("parentFolderId", f.parentId());
        all.put("childFolderCount", mailbox.children(f.id()).size());
        all.put("unreadItemCount", mailbox.unreadItemCount(f.id()));
        all.put("totalItemCount", mailbox.totalItemCount(f.id()));
        all.put("isHidden", false);
        if (select.isEmpty()) {
            return all;
        }
        ObjectNode out = Json.object();
        out.put("id", f.id());
        select.forEach(name -> {
            if (all.has(name)) {
                out.set(name, all.get(name));
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------------------ messages

    /** {@code /messages/{id}} and {@code /mailFolders/{folder}/messages/{id}} (there it must be in that folder). */
    private void getMessage(RoutingContext rc) {
        Optional<MailboxTarget> found = access.mailbox(rc, "graph.messages.get");
        if (found.isEmpty()) {
            return;
        }
        MailboxTarget target = found.get();
        Optional<Entry> entry = target.mailbox().get(GraphAccess.decodePath(rc.pathParam("id")));
        if (rc.pathParam("folder") != null) {
            Optional<Folder> folder = folder(rc, target.mailbox());
            entry = entry.filter(e -> folder.isPresent() && folder.get().id().equals(e.folderId()));
        }
        if (entry.isEmpty()) {
            GraphAccess.itemNotFound(rc);
            return;
        }
        boolean immutable = GraphAccess.prefersImmutableIds(rc);
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users('" + target.key() + "')/messages/$entity");
        out.setAll(project(entry.get(), GraphAccess.select(rc.request().getParam("$select")), target.bodyAllowed(), immutable,
                false));
        GraphAccess.preferenceApplied(rc, null, immutable);
        Responses.json(rc, 200, out);
    }

    /**
     * {@code /mailFolders/{folder}/messages}: newest first by receivedDateTime (or {@code $orderby=receivedDateTime
     * asc}), {@code $select}, {@code $filter=receivedDateTime ge|gt …}, {@code $top} (default 10, max 1000) and
     * {@code $skip} in the nextLink.
     */
    private void listMessages(RoutingContext rc) {
        Optional<MailboxTarget> found = access.mailbox(rc, "graph.messages.list");
        if (found.isEmpty()) {
            return;
        }
        MailboxTarget target = found.get();
        Optional<Folder> folder = folder(rc, target.mailbox());
        if (folder.isEmpty()) {
            GraphAccess.itemNotFound(rc);
            return;
        }
        Paging paging = Paging.of(rc);
        if (paging == null) {
            return;
        }
        String filter = rc.request().getParam("$filter");
        String orderBy = rc.request().getParam("$orderby");
        Matcher m = filter == null ? null : FILTER.matcher(filter.trim());
        if (m != null && !m.matches()) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQueryFilter",
                    "Only receivedDateTime ge|gt filters are supported here."));
            return;
        }
        if (orderBy != null && !orderBy.trim().matches("(?i)receivedDateTime( (asc|desc))?")) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery", "Only $orderby=receivedDateTime is supported here."));
            return;
        }
        Instant since;
        try {
            since = m == null ? null : OffsetDateTime.parse(m.group(2)).toInstant();
        } catch (DateTimeParseException e) {
            Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQueryFilter", "Invalid date in $filter."));
            return;
        }
        boolean strict = m != null && m.group(1).equalsIgnoreCase("gt");
        Comparator<Entry> newestFirst = Comparator.comparing((Entry e) -> e.message().path("receivedDateTime").asText(""))
                .thenComparing(Entry::immutableId).reversed();
        List<Entry> messages = target.mailbox().folderEntries(folder.get().id()).stream()
                .filter(e -> !e.removed() && (since == null || receivedSince(e, since, strict)))
                .sorted(orderBy != null && orderBy.toLowerCase().endsWith("asc") ? newestFirst.reversed() : newestFirst).toList();
        boolean immutable = GraphAccess.prefersImmutableIds(rc);
        Set<String> select = GraphAccess.select(rc.request().getParam("$select"));
        ArrayNode value = Json.array();
        Omission.of(rc).filter(messages.stream().skip(paging.skip()).limit(paging.top()).toList())
                .forEach(e -> value.add(project(e, select, target.bodyAllowed(), immutable, false)));
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(message)");
        out.set("value", value);
        if (paging.skip() + paging.top() < messages.size()) {
            out.put("@odata.nextLink", paging.nextLink(access.base(rc), rc));
        }
        GraphAccess.preferenceApplied(rc, null, immutable);
        Responses.json(rc, 200, out);
    }

    /** {@code $top} and {@code $skip} of a list; the nextLink keeps every other query option. */
    private record Paging(int top, int skip) {
        static Paging of(RoutingContext rc) {
            try {
                int top = rc.request().getParam("$top") == null ? GraphAccess.DEFAULT_PAGE : Integer.parseInt(rc.request().getParam("$top"));
                int skip = rc.request().getParam("$skip") == null ? 0 : Integer.parseInt(rc.request().getParam("$skip"));
                if (top < 1 || top > GraphAccess.MAX_PAGE || skip < 0) {
                    throw new NumberFormatException();
                }
                return new Paging(top, skip);
            } catch (NumberFormatException e) {
                Responses.json(rc, 400, MicrosoftErrors.graph("ErrorInvalidUrlQuery",
                        "$top must be 1 to " + GraphAccess.MAX_PAGE + " and $skip not negative."));
                return null;
            }
        }

        String nextLink(String base, RoutingContext rc) {
            StringBuilder query = new StringBuilder();
            rc.request().params().forEach((name, v) -> {
                if (!name.equals("$skip") && !name.equals("$top")) {
                    query.append(query.isEmpty() ? "" : "&").append(name).append('=').append(encode(v));
                }
            });
            query.append(query.isEmpty() ? "" : "&").append("$top=").append(top).append("&$skip=").append(skip + top);
            return base + "?" + query;
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    /** A message as Graph shows it: {@code id} by the caller's id type, {@code parentFolderId} where it lives. */
    private static ObjectNode project(Entry entry, Set<String> select, boolean bodyAllowed, boolean immutable, boolean odataType) {
        ObjectNode out = Json.object();
        if (odataType) {
            out.put("@odata.type", "#microsoft.graph.message");
        }
        out.put("@odata.etag", "W/\"CQAAABYAAAA" + Long.toString(entry.sequence(), 36) + "\"");
        out.put("id", entry.id(immutable));
        var fields = entry.message().fields();
        while (fields.hasNext()) {
            var f = fields.next();
            String name = f.getKey();
            boolean wanted = select.isEmpty() ? !name.equals("internetMessageHeaders") : select.contains(name);
            if (!wanted || !bodyAllowed && BODY_FIELDS.contains(name)) {
                continue;
            }
            out.set(name, f.getValue().deepCopy());
        }
        if (select.isEmpty() || select.contains("parentFolderId")) {
            out.put("parentFolderId", entry.folderId());
        }
        return out;
    }

    private static ObjectNode removed(String type, String id) {
        ObjectNode out = Json.object();
        out.put("@odata.type", type);
        out.put("id", id);
        out.putObject("@removed").put("reason", "deleted");
        return out;
    }
}
