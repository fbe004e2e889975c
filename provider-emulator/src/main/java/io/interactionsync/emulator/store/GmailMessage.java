package io.interactionsync.emulator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.http.BadRequestException;
import io.interactionsync.emulator.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Gmail Message resource as loaded, kept compact (hundreds of thousands fit in memory). {@code payloadExtra}
 * holds whatever the loaded payload carried besides {@code mimeType} and {@code headers} (parts, body, …),
 * returned only by {@code format=full}.
 */
public record GmailMessage(String id, String threadId, List<String> labelIds, String snippet, long historyId,
        long internalDate, long sizeEstimate, String mimeType, List<Header> headers, ObjectNode payloadExtra) {

    public record Header(String name, String value) {
    }

    public enum Format { MINIMAL, METADATA, FULL }

    public GmailMessage {
        labelIds = List.copyOf(labelIds);
        headers = List.copyOf(headers);
    }

    public boolean hasLabel(String label) {
        return labelIds.contains(label);
    }

    public GmailMessage withLabels(List<String> labels, long newHistoryId) {
        return new GmailMessage(id, threadId, labels, snippet, newHistoryId, internalDate, sizeEstimate, mimeType,
                headers, payloadExtra);
    }

    public GmailMessage withHistoryId(long newHistoryId) {
        return withLabels(labelIds, newHistoryId);
    }

    /** The first header of that name (case-insensitive), or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /**
     * Parses a loaded resource. {@code id}, {@code threadId}, {@code historyId} may be absent: the caller supplies
     * defaults. {@code internalDate} defaults to {@code defaultInternalDate}.
     */
    public static GmailMessage fromJson(JsonNode json, String defaultId, long historyId, long defaultInternalDate) {
        if (json == null || !json.isObject()) {
            throw new BadRequestException("a message must be a JSON object (a Gmail Message resource)");
        }
        String id = textOr(json, "id", defaultId);
        String threadId = textOr(json, "threadId", id);
        List<String> labels = new ArrayList<>();
        JsonNode labelNode = json.path("labelIds");
        if (!labelNode.isMissingNode() && !labelNode.isNull()) {
            if (!labelNode.isArray()) {
                throw new BadRequestException("labelIds must be an array of strings");
            }
            labelNode.forEach(l -> labels.add(l.asText()));
        }
        long internalDate = defaultInternalDate;
        JsonNode date = json.path("internalDate");
        if (!date.isMissingNode() && !date.isNull()) {
            try {
                internalDate = Long.parseLong(date.asText());
            } catch (NumberFormatException e) {
                throw new BadRequestException("internalDate must be epoch milliseconds (a string of digits)");
            }
        }
        JsonNode payload = json.path("payload");
        String mimeType = payload.path("mimeType").asText("text/plain");
        List<Header> headers = new ArrayList<>();
        JsonNode headerNode = payload.path("headers");
        if (!headerNode.isMissingNode()) {
            if (!headerNode.isArray()) {
                throw new BadRequestException("payload.headers must be an array of {name, value}");
            }
            for (JsonNode h : headerNode) {
                if (!h.path("name").isTextual()) {
                    throw new BadRequestException("every header needs a string name");
                }
                headers.add(new Header(h.get("name").asText(), h.path("value").asText("")));
            }
        }
        ObjectNode extra = null;
        if (payload.isObject() && payload.size() > (payload.has("mimeType") ? 1 : 0) + (payload.has("headers") ? 1 : 0)) {
            extra = ((ObjectNode) payload).deepCopy();
            extra.remove("mimeType");
            extra.remove("headers");
        }
        long size = json.has("sizeEstimate") ? json.get("sizeEstimate").asLong()
                : 512 + headers.stream().mapToLong(h -> h.name().length() + h.value().length() + 4).sum();
        return new GmailMessage(id, threadId, labels, json.path("snippet").asText(""), historyId, internalDate, size,
                mimeType, headers, extra);
    }

    /** Explicit historyId of a loaded resource, or -1. */
    public static long loadedHistoryId(JsonNode json) {
        JsonNode h = json.path("historyId");
        if (h.isMissingNode() || h.isNull()) {
            return -1;
        }
        try {
            return Long.parseLong(h.asText());
        } catch (NumberFormatException e) {
            throw new BadRequestException("historyId must be a string of digits");
        }
    }

    private static String textOr(JsonNode json, String field, String fallback) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() || n.asText().isEmpty() ? fallback : n.asText();
    }

    /**
     * The resource as messages.get answers it. {@code headerFilter} = lower-cased metadataHeaders (empty = all).
     */
    public ObjectNode toJson(Format format, Set<String> headerFilter) {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("threadId", threadId);
        if (!labelIds.isEmpty()) {
            ArrayNode labels = out.putArray("labelIds");
            labelIds.forEach(labels::add);
        }
        out.put("snippet", snippet);
        if (format != Format.MINIMAL) {
            ObjectNode payload = out.putObject("payload");
            if (format == Format.FULL && payloadExtra != null) {
                payload.setAll(payloadExtra.deepCopy());
            }
            payload.put("mimeType", mimeType);
            ArrayNode hs = payload.putArray("headers");
            for (Header h : headers) {
                if (headerFilter.isEmpty() || headerFilter.contains(h.name().toLowerCase(Locale.ROOT))) {
                    hs.addObject().put("name", h.name()).put("value", h.value());
                }
            }
        }
        out.put("sizeEstimate", sizeEstimate);
        out.put("historyId", Long.toString(historyId));
        out.put("internalDate", Long.toString(internalDate));
        return out;
    }

    /** {@code {"id","threadId"}} as list and history entries carry it. */
    public ObjectNode toRef() {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("threadId", threadId);
        return out;
    }
}
