package io.interactionsync.normalizer.service;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Dead-letter reasons without row values (issue 17, PII hygiene): a reason says what kind of failure hit which field —
 * JSON positions, schema paths, SQLSTATE with column or constraint, exception types — never a header value, an address
 * or a SQL error's data. The raw record itself stays in the dead letter's {@code originalBase64} only.
 */
final class DeadLetterReasons {

    private static final Pattern SCHEMA_PATH = Pattern.compile("^(\\$[^:\\s]*)");
    /** A property the schema names (required, additional): a field name, never a value. */
    private static final Pattern PROPERTY = Pattern.compile("property '([A-Za-z0-9_]{1,64})'");

    private DeadLetterReasons() {
    }

    /** Jackson's parse errors quote the offending token: only where it failed. */
    static String invalidJson(Exception e) {
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            JsonLocation at = j.getLocation();
            return "not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        return "not valid JSON (" + e.getClass().getSimpleName() + ")";
    }

    /** The JSON paths that violate the envelope's schema; the validator's messages may quote the values. */
    static String schemaViolation(List<String> errors) {
        TreeSet<String> paths = new TreeSet<>();
        for (String error : errors) {
            Matcher m = SCHEMA_PATH.matcher(error);
            String path = m.find() ? m.group(1) : "$";
            Matcher property = PROPERTY.matcher(error);
            paths.add(property.find() ? (path.equals("$") ? "$." : path + ".") + property.group(1) : path);
        }
        return "schema violation at " + String.join(", ", paths);
    }

    /** Data binding errors quote the value that did not bind: only the field path. */
    static String doesNotBind(RuntimeException e) {
        Throwable cause = e instanceof IllegalArgumentException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "envelope does not bind at " + m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        return "envelope does not bind (" + cause.getClass().getSimpleName() + ")";
    }

    /** PostgreSQL's messages and details quote the rejected values ("Key (x)=(…)", "invalid input syntax …: …"). */
    static String writeFailed(Throwable e) {
        if (e instanceof PgException pg) {
            StringBuilder reason = new StringBuilder("PostgreSQL rejected the record's rows: SQLSTATE ").append(pg.getSqlState());
            if (pg.getColumn() != null) {
                reason.append(", column ").append(pg.getColumn());
            }
            if (pg.getConstraint() != null) {
                reason.append(", constraint ").append(pg.getConstraint());
            }
            return reason.toString();
        }
        return "PostgreSQL rejected the record's rows (" + e.getClass().getSimpleName() + ")";
    }

    /** An unexpected failure of a mapper: its type and where it was thrown, not its message (it may quote the payload). */
    static String mappingFailed(RuntimeException e) {
        StackTraceElement[] trace = e.getStackTrace();
        return e.getClass().getSimpleName() + (trace.length == 0 ? ""
                : " at " + trace[0].getClassName().substring(trace[0].getClassName().lastIndexOf('.') + 1) + "."
                        + trace[0].getMethodName() + ":" + trace[0].getLineNumber());
    }
}
