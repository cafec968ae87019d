package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * How long a client says its answer is worth waiting for: a {@code timeout} query parameter or a
 * {@code Request-Timeout} header, in milliseconds (the parameter wins). Read from the query string
 * itself, never through the servlet's parameters, which would read a form or multipart body first.
 */
final class RequestDeadline {

    static final String HEADER = "Request-Timeout";
    private static final long MAX_MILLIS = 24L * 3600 * 1000;

    private RequestDeadline() {
    }

    /** The deadline the request asks for, or null where it asks for none. */
    static Instant of(HttpServletRequest request) {
        String value = null;
        String where = "the timeout parameter";
        if (request.getQueryString() != null) {
            MultiValueMap<String, String> query = UriComponentsBuilder.newInstance().query(request.getQueryString())
                    .build().getQueryParams();
            value = query.getFirst("timeout");
        }
        if (value == null) {
            value = request.getHeader(HEADER);
            where = "the " + HEADER + " header";
        }
        if (value == null) {
            return null;
        }
        try {
            long millis = Long.parseLong(value.trim());
            if (millis >= 1 && millis <= MAX_MILLIS) {
                return Instant.now().plusMillis(millis);
            }
        } catch (NumberFormatException e) {
            // answered below with the rule
        }
        throw ServiceFailure.invalid(where + " must be a whole number of milliseconds from 1 to " + MAX_MILLIS
                + ", not '" + value + "'");
    }
}
