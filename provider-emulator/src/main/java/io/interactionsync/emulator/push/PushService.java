package io.interactionsync.emulator.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.store.GraphCalendar;
import io.interactionsync.emulator.store.GraphMailbox;
import io.interactionsync.emulator.store.HistoryRecord;
import io.interactionsync.emulator.store.StoreListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * Provider push (SPEC §3.6): Gmail watch + Pub/Sub push, Calendar channels, Graph subscriptions. Listens to every
 * change of the store and hands notifications to the {@link Deliverer}; settings and counters are in
 * {@link PushControl}.
 */
public final class PushService implements StoreListener {

    private final PushControl control = new PushControl();
    private final Deliverer deliverer;
    private final GmailPush gmail;
    private final CalendarPush calendar;
    private final GraphPush graph;

    public PushService(EmulatorContext ctx, Vertx vertx) {
        this.deliverer = new Deliverer(vertx, control);
        this.gmail = new GmailPush(ctx, vertx, control, deliverer);
        this.calendar = new CalendarPush(ctx, control, deliverer);
        this.graph = new GraphPush(vertx, control, deliverer);
    }

    public PushControl control() {
        return control;
    }

    public GmailPush gmail() {
        return gmail;
    }

    public CalendarPush calendar() {
        return calendar;
    }

    public GraphPush graph() {
        return graph;
    }

    @Override
    public void gmailHistory(String email, HistoryRecord record) {
        gmail.changed(email, record);
    }

    @Override
    public void googleEvent(String email, String eventId) {
        calendar.changed(email);
    }

    @Override
    public void graphMessage(String mailboxAddress, GraphMailbox.Change change) {
        graph.messageChanged(mailboxAddress, change);
    }

    @Override
    public void graphEvent(String upn, GraphCalendar.Change change) {
        graph.eventChanged(upn, change);
    }

    /**
     * The Graph validation request: {@code POST url?validationToken=…} with {@code Content-Type: text/plain} and no
     * body, counted under graph {@code validationRequests}.
     */
    public Future<Deliverer.Answer> validate(String urlWithToken, long timeoutMs) {
        control.count(PushKind.GRAPH, "validationRequests");
        return deliverer.send(urlWithToken, Map.of("Content-Type", "text/plain; charset=utf-8"), "", timeoutMs)
                .onComplete(done -> {
                    if (done.failed() || done.result().status() != 200) {
                        control.count(PushKind.GRAPH, "validationFailures");
                    }
                });
    }

    /** Counts a validation whose answer did not echo the token. */
    public void validationFailed() {
        control.count(PushKind.GRAPH, "validationFailures");
    }

    /**
     * The control revoke of a user: Graph subscriptions the user created get {@code subscriptionRemoved} and are
     * deleted, the Gmail watch and Calendar channels end. Answers what was stopped.
     */
    public ObjectNode revokeUser(String email) {
        ObjectNode out = io.interactionsync.emulator.http.Json.object();
        out.put("gmailWatches", gmail.stop(email) ? 1 : 0);
        out.put("calendarChannels", calendar.stopAll(email));
        out.put("graphSubscriptions", graph.revokeUser(email));
        return out;
    }

    /** {@code GET /_emulator/push}: settings, counters, and what is active (no client states, no channel tokens). */
    public ObjectNode toJson() {
        ObjectNode out = control.settingsJson();
        out.set("counters", control.countersJson());
        out.set("gmailWatches", gmail.watchesJson());
        out.set("pubsubSubscriptions", gmail.subscriptionsJson());
        out.set("calendarChannels", calendar.channelsJson());
        out.set("graphSubscriptions", graph.subscriptionsJson());
        return out;
    }

    /** Forgets every watch, channel, subscription and pending delivery; default settings, counters at zero. */
    public void reset() {
        deliverer.reset();
        gmail.clear();
        calendar.clear();
        graph.clear();
        control.reset();
    }
}
