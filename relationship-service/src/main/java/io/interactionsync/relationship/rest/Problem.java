package io.interactionsync.relationship.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details with our machine-readable {@code code}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem badRequest(String code, String detail) {
        return new Problem("about:blank", "Bad Request", 400, detail, code);
    }

    public static Problem notFound(String code, String detail) {
        return new Problem("about:blank", "Not Found", 404, detail, code);
    }

    public static Problem forbidden(String code, String detail) {
        return new Problem("about:blank", "Forbidden", 403, detail, code);
    }
}
