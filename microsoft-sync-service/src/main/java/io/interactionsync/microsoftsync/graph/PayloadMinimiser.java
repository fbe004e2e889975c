package io.interactionsync.microsoftsync.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What Graph sends beyond what the normalizer's rules read, removed before anything is published (issue 17):
 * messages keep only the configured internet headers ({@code microsoft-sync.mail.headers}; Graph returns them all,
 * Subject and Thread-Topic included) and lose {@code subject}/{@code bodyPreview}/{@code body} should Graph send them;
 * events keep only {@code microsoft-sync.calendar.fields} (calendarView delta has no {@code $select}).
 */
public final class PayloadMinimiser {

    private static final List<String> MESSAGE_TEXT = List.of("subject", "bodyPreview", "body", "uniqueBody");

    private final Set<String> headers;
    private final Set<String> eventFields;

    public PayloadMinimiser(MicrosoftSyncConfig config) {
        this(config.mail().headers(), config.calendar().fields());
    }

    public PayloadMinimiser(List<String> headers, List<String> eventFields) {
        this.headers = headers.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.eventFields = Set.copyOf(eventFields);
    }

    /** A message (or a delta item) cut down in place; returns it. */
    public JsonNode message(JsonNode message) {
        if (message instanceof ObjectNode m) {
            m.remove(MESSAGE_TEXT);
            if (m.get("internetMessageHeaders") instanceof ArrayNode list) {
                Iterator<JsonNode> it = list.elements();
                while (it.hasNext()) {
                    JsonNode h = it.next();
                    if (!headers.contains(h.path("name").asText("").trim().toLowerCase(Locale.ROOT))) {
                        it.remove();
                    }
                }
            }
        }
        return message;
    }

    /** An event (or a delta item) cut down in place to the configured fields and annotations; returns it. */
    public JsonNode event(JsonNode event) {
        if (event instanceof ObjectNode e) {
            List<String> drop = new ArrayList<>();
            e.fieldNames().forEachRemaining(name -> {
                if (!name.startsWith("@") && !eventFields.contains(name)) {
                    drop.add(name);
                }
            });
            e.remove(drop);
        }
        return event;
    }

    /** Every item of a page's {@code value}, cut down with {@code each}; returns the page. */
    public static JsonNode page(JsonNode page, java.util.function.UnaryOperator<JsonNode> each) {
        if (page != null && page.get("value") instanceof ArrayNode items) {
            items.forEach(each::apply);
        }
        return page;
    }
}
