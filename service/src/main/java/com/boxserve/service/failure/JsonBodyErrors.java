package com.boxserve.service.failure;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What is wrong with a JSON body, in the client's terms: the field and what it takes, never a
 * Java type or Jackson's message (which names classes and source positions of ours).
 */
public final class JsonBodyErrors {

    private JsonBodyErrors() {
    }

    /** @param cause what the JSON reader threw (the cause of Spring's unreadable-message exception), or null */
    public static String describe(Throwable cause) {
        if (cause instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", ", "; the fields are ", ""));
            return field(unknown) + ": not a field of this request" + known;
        }
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            return field(mismatch) + ": must be " + kind(mismatch.getTargetType());
        }
        if (cause instanceof MismatchedInputException mismatch) {
            return "the body must be a JSON object, not " + (mismatch.getTargetType() == null ? "this" : "an array or a value");
        }
        if (cause instanceof JsonParseException parse) {
            return "the body is not valid JSON (line " + parse.getLocation().getLineNr() + ", column "
                    + parse.getLocation().getColumnNr() + ")";
        }
        if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            // a request type that reads its own JSON (a row of features, a pooling input) says what it takes
            return field(mapping) + ": " + (mapping.getCause() instanceof ServiceFailure refused ? refused.detail()
                    : "has a value this request cannot take");
        }
        return "the body is missing or cannot be read as JSON";
    }

    private static String field(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        return path.stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Duration.class) {
            return "an ISO-8601 duration such as \"PT0.05S\"";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object of this request's shape";
    }
}
