package io.interactionsync.emulator.google.gmail;

import io.interactionsync.emulator.EmulatorContext;
import io.interactionsync.emulator.http.GoogleErrors;
import io.interactionsync.emulator.http.Json;
import io.interactionsync.emulator.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Gmail batch endpoint ({@code POST /batch/gmail/v1}, multipart/mixed, at most 100 parts). Each part is an
 * HTTP request replayed against the emulator itself, so auth, quota, faults and stats apply per part; each part
 * fails independently inside a 200 answer. Parts run at most {@value #PARALLELISM} at a time.
 */
public final class GmailBatch {

    static final int MAX_PARTS = 100;
    private static final int PARALLELISM = 5;
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

    /** One inner request. */
    record Part(String contentId, String method, String path, MultiMap headers, String body) {
    }

    /** One inner answer. */
    record Answer(int status, String statusMessage, String contentType, String body) {
    }

    private final EmulatorContext ctx;
    private final HttpClient client;

    GmailBatch(EmulatorContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(PARALLELISM * 2).setKeepAlive(true));
    }

    public void handle(RoutingContext rc) {
        String contentType = rc.request().getHeader("Content-Type");
        Matcher m = contentType == null ? null : BOUNDARY.matcher(contentType);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/mixed") || !m.find()) {
            Responses.json(rc, 400, GoogleErrors.badRequest("Batch requests must be multipart/mixed with a boundary"));
            return;
        }
        List<Part> parts;
        try {
            parts = parse(rc.body() == null ? "" : rc.body().asString(StandardCharsets.UTF_8.name()), m.group(1));
        } catch (IllegalArgumentException e) {
            Responses.json(rc, 400, GoogleErrors.badRequest(e.getMessage()));
            return;
        }
        if (parts.isEmpty()) {
            Responses.json(rc, 400, GoogleErrors.badRequest("Invalid multipart request with 0 mime parts."));
            return;
        }
        if (parts.size() > MAX_PARTS) {
            Responses.json(rc, 400, GoogleErrors.badRequest("Too many requests in batch (" + parts.size()
                    + "); a batch holds at most " + MAX_PARTS + " requests."));
            return;
        }
        String outerAuth = rc.request().getHeader("Authorization");
        Answer[] answers = new Answer[parts.size()];
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(PARALLELISM, parts.size()); w++) {
            workers.add(worker(parts, answers, next, outerAuth));
        }
        Future.all(workers).onComplete(done -> {
            String boundary = "batch_" + UUID.randomUUID().toString().replace("-", "");
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < parts.size(); i++) {
                Answer a = answers[i];
                out.append("--").append(boundary).append("\r\n");
                out.append("Content-Type: application/http\r\n");
                if (parts.get(i).contentId() != null) {
                    out.append("Content-ID: ").append(responseId(parts.get(i).contentId())).append("\r\n");
                }
                out.append("\r\n");
                out.append("HTTP/1.1 ").append(a.status()).append(' ').append(a.statusMessage()).append("\r\n");
                if (a.contentType() != null) {
                    out.append("Content-Type: ").append(a.contentType()).append("\r\n");
                }
                byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
                out.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
                out.append(a.body()).append("\r\n");
            }
            out.append("--").append(boundary).append("--\r\n");
            rc.response().setStatusCode(200).putHeader("Content-Type", "multipart/mixed; boundary=" + boundary)
                    .end(out.toString());
        });
    }

    private static String responseId(String contentId) {
        String inner = contentId.startsWith("<") && contentId.endsWith(">")
                ? contentId.substring(1, contentId.length() - 1) : contentId;
        return "<response-" + inner + ">";
    }

    private Future<Void> worker(List<Part> parts, Answer[] answers, AtomicInteger next, String outerAuth) {
        int index = next.getAndIncrement();
        if (index >= parts.size()) {
            return Future.succeededFuture();
        }
        return execute(parts.get(index), outerAuth).compose(answer -> {
            answers[index] = answer;
            return worker(parts, answers, next, outerAuth);
        });
    }

    private Future<Answer> execute(Part part, String outerAuth) {
        String path = normalise(part.path());
        if (path == null) {
            return Future.succeededFuture(new Answer(404, "Not Found", "application/json; charset=UTF-8",
                    Json.write(GoogleErrors.notFound())));
        }
        Promise<Answer> promise = Promise.promise();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(part.method()))
                .setHost("127.0.0.1").setPort(ctx.localPort()).setURI(path);
        client.request(options).compose(request -> {
            part.headers().forEach(h -> {
                if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-Length")) {
                    request.putHeader(h.getKey(), h.getValue());
                }
            });
            if (request.headers().get("Authorization") == null && outerAuth != null) {
                request.putHeader("Authorization", outerAuth);
            }
            return part.body().isEmpty() ? request.send() : request.send(Buffer.buffer(part.body()));
        }).compose(response -> response.body().map(body -> new Answer(response.statusCode(),
                response.statusMessage(), response.getHeader("Content-Type"), body.toString(StandardCharsets.UTF_8))))
                .onComplete(result -> promise.complete(result.succeeded() ? result.result()
                        : new Answer(500, "Internal Server Error", "application/json; charset=UTF-8",
                                Json.write(GoogleErrors.backendError(500)))));
        return promise.future();
    }

    /** Maps an inner request URL to the emulator's Gmail path, or null when it is not a Gmail API call. */
    static String normalise(String url) {
        String path = url;
        int scheme = path.indexOf("://");
        if (scheme >= 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        for (String prefix : new String[] {"/gmail.googleapis.com", "/www.googleapis.com"}) {
            if (path.startsWith(prefix + "/")) {
                path = path.substring(prefix.length());
            }
        }
        return path.startsWith("/gmail/v1/") ? "/gmail.googleapis.com" + path : null;
    }

    /** Splits a multipart/mixed body into inner HTTP requests. */
    static List<Part> parse(String body, String boundary) {
        String delimiter = "--" + boundary;
        List<Part> parts = new ArrayList<>();
        String[] chunks = body.split(Pattern.quote(delimiter), -1);
        for (int i = 1; i < chunks.length; i++) {
            String chunk = chunks[i];
            if (chunk.startsWith("--")) {
                break;
            }
            chunk = chunk.replace("\r\n", "\n");
            if (chunk.startsWith("\n")) {
                chunk = chunk.substring(1);
            }
            int headerEnd = chunk.indexOf("\n\n");
            if (headerEnd < 0) {
                throw new IllegalArgumentException("batch part " + i + " has no blank line after its MIME headers");
            }
            String contentId = null;
            for (String line : chunk.substring(0, headerEnd).split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-ID")) {
                    contentId = line.substring(colon + 1).trim();
                }
            }
            String http = chunk.substring(headerEnd + 2);
            int requestHeaderEnd = http.indexOf("\n\n");
            String head = requestHeaderEnd < 0 ? http.trim() : http.substring(0, requestHeaderEnd);
            String innerBody = requestHeaderEnd < 0 ? "" : http.substring(requestHeaderEnd + 2).strip();
            String[] lines = head.split("\n");
            String[] requestLine = lines[0].trim().split(" ");
            if (requestLine.length < 2) {
                throw new IllegalArgumentException("batch part " + i + " has no request line");
            }
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            for (int l = 1; l < lines.length; l++) {
                int colon = lines[l].indexOf(':');
                if (colon > 0) {
                    headers.add(lines[l].substring(0, colon).trim(), lines[l].substring(colon + 1).trim());
                }
            }
            parts.add(new Part(contentId, requestLine[0].toUpperCase(Locale.ROOT), requestLine[1], headers, innerBody));
        }
        return parts;
    }
}
