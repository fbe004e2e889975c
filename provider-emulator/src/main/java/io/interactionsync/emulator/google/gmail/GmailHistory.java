package io.interactionsync.emulator.google.gmail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.faults.Omission;
import io.interactionsync.emulator.google.GoogleApiGate.Caller;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.interactionsync.emulator.store.GmailMailbox;
import io.interactionsync.emulator.store.HistoryRecord;
import io.interactionsync.emulator.store.HistoryRecord.Type;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code users.history.list}: changes after {@code startHistoryId} in increasing id order, grouped per history id;
 * a start id older than the kept history answers 404 notFound (the client must fully resync).
 */
final class GmailHistory {

    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 500;

    void list(RoutingContext rc, Caller caller) {
        GmailMailbox mailbox = caller.user().mailbox();
        String startParam = rc.request().getParam("startHistoryId");
        if (startParam == null || startParam.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument("Missing required parameter: startHistoryId"));
            return;
        }
        long start;
        try {
            start = Long.parseUnsignedLong(startParam);
        } catch (NumberFormatException e) {
            Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid startHistoryId: " + startParam));
            return;
        }
        Integer max = GmailRoutes.maxResults(rc, DEFAULT_PAGE, MAX_PAGE);
        if (max == null) {
            return;
        }
        Set<Type> types = EnumSet.noneOf(Type.class);
        for (String t : rc.queryParam("historyTypes")) {
            switch (t) {
                case "messageAdded" -> types.add(Type.MESSAGE_ADDED);
                case "messageDeleted" -> types.add(Type.MESSAGE_DELETED);
                case "labelAdded" -> types.add(Type.LABEL_ADDED);
                case "labelRemoved" -> types.add(Type.LABEL_REMOVED);
                default -> {
                    Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid value at 'history_types': \"" + t + "\""));
                    return;
                }
            }
        }
        if (types.isEmpty()) {
            types = EnumSet.allOf(Type.class);
        }
        long after = start;
        String pageToken = rc.request().getParam("pageToken");
        if (pageToken != null && !pageToken.isEmpty()) {
            Optional<String[]> parts = PageTokens.decode(pageToken, 1);
            if (parts.isEmpty() || !parts.get()[0].matches("[0-9]{1,19}")) {
                Responses.json(rc, 400, GoogleErrors.invalidArgument("Invalid pageToken"));
                return;
            }
            after = Long.parseLong(parts.get()[0]);
        }
        if (start < mailbox.oldestValidStart()) {
            Responses.json(rc, 404, GoogleErrors.notFound());
            return;
        }
        String labelId = rc.request().getParam("labelId");
        List<HistoryRecord> records = mailbox.historySince(after);
        ObjectNode body = Json.object();
        ArrayNode history = Json.array();
        ObjectNode entry = null;
        long entryId = -1;
        long lastId = -1;
        boolean more = false;
        for (HistoryRecord r : records) {
            if (!types.contains(r.type())) {
                continue;
            }
            if (labelId != null && !r.messageLabels().contains(labelId) && !r.changedLabels().contains(labelId)) {
                continue;
            }
            if (r.id() != entryId) {
                if (history.size() == max) {
                    more = true;
                    break;
                }
                entry = history.addObject();
                entry.put("id", Long.toString(r.id()));
                entry.putArray("messages");
                entryId = r.id();
                lastId = r.id();
            }
            ObjectNode ref = Json.object().put("id", r.messageId()).put("threadId", r.threadId());
            ((ArrayNode) entry.get("messages")).add(ref.deepCopy());
            ObjectNode withLabels = ref.deepCopy();
            if (r.type() != Type.MESSAGE_DELETED && !r.messageLabels().isEmpty()) {
                ArrayNode labels = withLabels.putArray("labelIds");
                r.messageLabels().forEach(labels::add);
            }
            switch (r.type()) {
                case MESSAGE_ADDED -> entry.withArray("messagesAdded").addObject().set("message", withLabels);
                case MESSAGE_DELETED -> entry.withArray("messagesDeleted").addObject().set("message", withLabels);
                case LABEL_ADDED -> changed(entry.withArray("labelsAdded"), withLabels, r.changedLabels());
                case LABEL_REMOVED -> changed(entry.withArray("labelsRemoved"), withLabels, r.changedLabels());
            }
        }
        // An omit fault drops history records; nextPageToken and historyId still move past them.
        ArrayNode kept = Omission.of(rc).filter(history);
        if (!kept.isEmpty()) {
            body.set("history", kept);
        }
        if (more) {
            body.put("nextPageToken", PageTokens.encode(Long.toString(lastId)));
        }
        body.put("historyId", Long.toString(mailbox.historyId()));
        Responses.json(rc, 200, body);
    }

    private static void changed(ArrayNode target, ObjectNode message, List<String> labels) {
        ObjectNode item = target.addObject();
        item.set("message", message);
        ArrayNode ids = item.putArray("labelIds");
        new ArrayList<>(labels).forEach(ids::add);
    }
}
