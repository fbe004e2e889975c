package io.interactionsync.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.store.GraphCalendar;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.MicrosoftUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Microsoft half of the control API (SPEC §3.6): users, shared mailboxes, folders (well-known names, custom
 * display names, ids), folder messages, moves (as Graph's move), delta expiry.
 */
final class MicrosoftControlRoutes {

    private static final Set<String> USER_KEYS = Set.of("id", "displayName", "tenantId", "personal", "folders", "events",
            "fullAccessTo", "consentError");

    private final EmulatorContext ctx;

    MicrosoftControlRoutes(EmulatorContext ctx) {
        this.ctx = ctx;
    }

    void register(Router router) {
        router.get("/microsoft/users").handler(this::listUsers);
        router.put("/microsoft/users/:upn").blockingHandler(this::putUser, false);
        router.put("/microsoft/shared-mailboxes/:address").blockingHandler(this::putShared, false);
        // Exchange FullAccess of a user, changed without touching the user's mail (an admin granting or removing it):
        // Graph answers 403 ErrorAccessDenied for that mailbox from the next request on.
        router.put("/microsoft/users/:upn/full-access").handler(this::putFullAccess);
        router.post("/microsoft/users/:upn/full-access").handler(this::grantFullAccess);
        router.delete("/microsoft/users/:upn/full-access/:address").handler(this::revokeFullAccess);
        // Mail of a user or a shared mailbox: both prefixes name any mailbox by address.
        for (String prefix : List.of("/microsoft/users/:upn", "/microsoft/shared-mailboxes/:upn")) {
            router.get(prefix + "/folders").handler(this::listFolders);
            router.post(prefix + "/folders").handler(this::createFolder);
            router.delete(prefix + "/folders/:folder").handler(rc -> {
                mailbox(rc.pathParam("upn")).deleteFolder(rc.pathParam("folder"));
                Responses.noContent(rc);
            });
            router.post(prefix + "/folders/:folder/move").handler(rc -> {
                GraphMailbox mailbox = mailbox(rc.pathParam("upn"));
                Responses.json(rc, 200, folderJson(mailbox, mailbox.moveFolder(rc.pathParam("folder"), destination(rc))));
            });
            router.post(prefix + "/folders/:folder/messages").handler(this::addMessages);
            router.delete(prefix + "/folders/:folder/messages/:id").handler(rc -> {
                GraphMailbox mailbox = mailbox(rc.pathParam("upn"));
                if (!mailbox.delete(rc.pathParam("folder"), rc.pathParam("id"))) {
                    throw new BadRequestException(404, "no message " + rc.pathParam("id") + " in that folder");
                }
                Responses.noContent(rc);
            });
            router.post(prefix + "/messages/:id/move").handler(this::moveMessage);
        }
        router.post("/microsoft/users/:upn/expire-delta").handler(rc -> {
            mailbox(rc.pathParam("upn")).expireDelta();
            ctx.store().microsoftUser(rc.pathParam("upn")).ifPresent(u -> u.calendar().expireDelta());
            Responses.noContent(rc);
        });
        router.post("/microsoft/users/:upn/events").handler(rc -> {
            MicrosoftUser user = user(rc.pathParam("upn"));
            JsonNode body = body(rc);
            ArrayNode ids = Json.array();
            if (body.isArray()) {
                body.forEach(e -> ids.add(user.calendar().upsert(e).event().get("id").asText()));
            } else {
                ids.add(user.calendar().upsert(body).event().get("id").asText());
            }
            Responses.json(rc, 200, Json.object().set("ids", ids));
        });
        router.delete("/microsoft/users/:upn/events/:id").handler(rc -> {
            if (!user(rc.pathParam("upn")).calendar().delete(rc.pathParam("id"))) {
                throw new BadRequestException(404, "no event " + rc.pathParam("id"));
            }
            Responses.noContent(rc);
        });
    }

    private MicrosoftUser user(String upn) {
        return ctx.store().microsoftUser(upn)
                .orElseThrow(() -> new BadRequestException(404, "no Microsoft user " + upn));
    }

    private GraphMailbox mailbox(String address) {
        return ctx.store().microsoftUser(address).map(MicrosoftUser::mailbox)
                .or(() -> ctx.store().sharedMailbox(address))
                .orElseThrow(() -> new BadRequestException(404, "no Microsoft user or shared mailbox " + address));
    }

    private static JsonNode body(RoutingContext rc) {
        if (rc.body() == null || rc.body().length() == 0) {
            throw new BadRequestException("a JSON body is required");
        }
        return Json.parse(rc.body().asString());
    }

    private void putUser(RoutingContext rc) {
        String upn = rc.pathParam("upn");
        if (!upn.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new BadRequestException("not a user principal name: " + upn);
        }
        JsonNode body = body(rc);
        if (!body.isObject()) {
            throw new BadRequestException("body must be {id, displayName, tenantId, personal, folders, events, fullAccessTo}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!USER_KEYS.contains(key)) {
                throw new BadRequestException("unknown Microsoft user field: " + key);
            }
        }
        boolean personal = body.path("personal").asBoolean(false);
        String consentError = body.hasNonNull("consentError") ? body.get("consentError").asText() : null;
        if (consentError != null && !consentError.equals("AADSTS65001") && !consentError.equals("AADSTS90094")) {
            throw new BadRequestException("consentError must be AADSTS65001 or AADSTS90094");
        }
        String domain = upn.substring(upn.indexOf('@') + 1).toLowerCase();
        String id = body.path("id").asText(MicrosoftUser.defaultId(upn));
        String tenant = body.path("tenantId").asText(personal ? MicrosoftUser.PERSONAL_TENANT : MicrosoftUser.defaultTenant(domain));
        List<String> fullAccess = new ArrayList<>();
        body.path("fullAccessTo").forEach(a -> fullAccess.add(a.asText()));
        GraphMailbox mailbox = new GraphMailbox(upn);
        loadFolders(mailbox, body.path("folders"));
        GraphCalendar calendar = new GraphCalendar();
        loadEvents(calendar, body.path("events"));
        String displayName = body.path("displayName").asText(upn.substring(0, upn.indexOf('@')));
        MicrosoftUser user = new MicrosoftUser(upn, id, displayName, tenant, personal, mailbox, calendar,
                Set.copyOf(fullAccess), consentError);
        ctx.store().putMicrosoftUser(user);
        Responses.json(rc, 200, summary(user));
    }

    /** {@code {fullAccessTo: [addresses]}}: replaces the user's FullAccess grants. */
    private void putFullAccess(RoutingContext rc) {
        MicrosoftUser user = user(rc.pathParam("upn"));
        JsonNode list = body(rc).path("fullAccessTo");
        if (!list.isArray()) {
            throw new BadRequestException("body must be {\"fullAccessTo\": [addresses]}");
        }
        Set<String> access = new java.util.HashSet<>();
        list.forEach(a -> access.add(a.asText()));
        MicrosoftUser changed = user.withFullAccessTo(access);
        ctx.store().putMicrosoftUser(changed);
        Responses.json(rc, 200, summary(changed));
    }

    /** {@code {address}}: grants FullAccess to one more mailbox. */
    private void grantFullAccess(RoutingContext rc) {
        MicrosoftUser user = user(rc.pathParam("upn"));
        JsonNode address = body(rc).path("address");
        if (!address.isTextual() || address.asText().isBlank()) {
            throw new BadRequestException("body must be {\"address\": \"<mailbox address>\"}");
        }
        Set<String> access = new java.util.HashSet<>(user.fullAccessTo());
        access.add(address.asText());
        MicrosoftUser changed = user.withFullAccessTo(access);
        ctx.store().putMicrosoftUser(changed);
        Responses.json(rc, 200, summary(changed));
    }

    /** Removes FullAccess to one mailbox; 404 when the user had none to it. */
    private void revokeFullAccess(RoutingContext rc) {
        MicrosoftUser user = user(rc.pathParam("upn"));
        String address = rc.pathParam("address");
        if (!user.hasFullAccessTo(address)) {
            throw new BadRequestException(404, user.upn() + " has no FullAccess to " + address);
        }
        Set<String> access = new java.util.HashSet<>(user.fullAccessTo());
        access.remove(address.toLowerCase(java.util.Locale.ROOT));
        ctx.store().putMicrosoftUser(user.withFullAccessTo(access));
        Responses.noContent(rc);
    }

    private void putShared(RoutingContext rc) {
        JsonNode body = body(rc);
        rejectEvents(body);
        GraphMailbox probe = new GraphMailbox(rc.pathParam("address"));
        loadFolders(probe, body.path("folders"));
        GraphMailbox mailbox = ctx.store().putSharedMailbox(rc.pathParam("address"));
        loadFolders(mailbox, body.path("folders"));
        Responses.json(rc, 200, Json.object().put("address", rc.pathParam("address").toLowerCase()).put("messages", mailbox.size()));
    }

    private static void rejectEvents(JsonNode body) {
        if (body.path("events").isArray() && !body.path("events").isEmpty()) {
            throw new BadRequestException("events: shared mailbox calendars are not implemented yet");
        }
    }

    private static void loadEvents(GraphCalendar calendar, JsonNode events) {
        if (events.isMissingNode() || events.isNull()) {
            return;
        }
        if (!events.isArray()) {
            throw new BadRequestException("events must be an array of Graph events");
        }
        events.forEach(calendar::upsert);
    }

    private static void loadFolders(GraphMailbox mailbox, JsonNode folders) {
        if (folders.isMissingNode() || folders.isNull()) {
            return;
        }
        if (!folders.isObject()) {
            throw new BadRequestException("folders must be an object {inbox: [...], sentitems: [...], \"<custom display name>\": [...]}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = folders.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> folder = it.next();
            if (!folder.getValue().isArray()) {
                throw new BadRequestException("folders." + folder.getKey() + " must be an array of Graph messages");
            }
            String folderId = mailbox.findOrCreate(folder.getKey()).id();
            folder.getValue().forEach(m -> mailbox.upsert(folderId, m));
        }
    }

    private void addMessages(RoutingContext rc) {
        GraphMailbox mailbox = mailbox(rc.pathParam("upn"));
        JsonNode body = body(rc);
        String folder = mailbox.findOrCreate(rc.pathParam("folder")).id();
        ArrayNode ids = Json.array();
        if (body.isArray()) {
            body.forEach(m -> ids.add(mailbox.upsert(folder, m).immutableId()));
        } else {
            ids.add(mailbox.upsert(folder, body).immutableId());
        }
        Responses.json(rc, 200, Json.object().put("parentFolderId", folder).set("ids", ids));
    }

    /** As Graph's move: answers the message's ids before and after (a new regular id, the same immutable one). */
    private void moveMessage(RoutingContext rc) {
        GraphMailbox mailbox = mailbox(rc.pathParam("upn"));
        GraphMailbox.Moved moved = mailbox.move(rc.pathParam("id"), destination(rc))
                .orElseThrow(() -> new BadRequestException(404, "no message " + rc.pathParam("id")));
        Responses.json(rc, 200, Json.object().put("id", moved.id()).put("immutableId", moved.immutableId())
                .put("previousId", moved.previousId()).put("parentFolderId", moved.destination().id())
                .put("folder", moved.destination().displayName()));
    }

    private static String destination(RoutingContext rc) {
        JsonNode destination = body(rc).path("destination");
        if (!destination.isTextual() || destination.asText().isBlank()) {
            throw new BadRequestException("body must be {\"destination\": \"<folder id, well-known name or display name>\"}");
        }
        return destination.asText();
    }

    /** {@code {displayName, parent?}}: a custom folder (under the root, or under {@code parent}). */
    private void createFolder(RoutingContext rc) {
        GraphMailbox mailbox = mailbox(rc.pathParam("upn"));
        JsonNode body = body(rc);
        if (!body.path("displayName").isTextual() || body.path("displayName").asText().isBlank()) {
            throw new BadRequestException("body must be {\"displayName\": \"…\", \"parent\": optional folder}");
        }
        String parent = body.hasNonNull("parent") ? mailbox.find(body.get("parent").asText())
                .orElseThrow(() -> new BadRequestException(404, "no folder " + body.get("parent").asText())).id() : mailbox.rootId();
        Responses.json(rc, 201, folderJson(mailbox, mailbox.createFolder(body.get("displayName").asText(), parent)));
    }

    private void listFolders(RoutingContext rc) {
        GraphMailbox mailbox = mailbox(rc.pathParam("upn"));
        ArrayNode folders = Json.array();
        List<GraphMailbox.Folder> queue = new ArrayList<>(mailbox.children(mailbox.rootId()));
        for (int i = 0; i < queue.size(); i++) {
            folders.add(folderJson(mailbox, queue.get(i)));
            queue.addAll(mailbox.children(queue.get(i).id()));
        }
        mailbox.folder("recoverableitemsdeletions").ifPresent(f -> folders.add(folderJson(mailbox, f)));
        Responses.json(rc, 200, Json.object().set("folders", folders));
    }

    private static ObjectNode folderJson(GraphMailbox mailbox, GraphMailbox.Folder folder) {
        return Json.object().put("id", folder.id()).put("displayName", folder.displayName())
                .put("parentFolderId", folder.parentId()).put("wellKnownName", folder.wellKnownName())
                .put("totalItemCount", mailbox.totalItemCount(folder.id()));
    }

    private void listUsers(RoutingContext rc) {
        ArrayNode users = Json.array();
        ctx.store().microsoftUsers().forEach(u -> users.add(summary(u)));
        Responses.json(rc, 200, Json.object().set("users", users));
    }

    private static ObjectNode summary(MicrosoftUser user) {
        ObjectNode out = Json.object();
        out.put("upn", user.upn());
        out.put("id", user.id());
        out.put("displayName", user.displayName());
        out.put("tenantId", user.tenantId());
        out.put("personal", user.personal());
        out.put("messages", user.mailbox().size());
        out.put("events", user.calendar().size());
        ArrayNode access = out.putArray("fullAccessTo");
        user.fullAccessTo().stream().sorted().forEach(access::add);
        return out;
    }
}
