package com.boxserve.service.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's own refusals, made before a request reaches Spring (a path with an encoded slash or a
 * NUL, a URI or headers over the connector's limits), answered as problem details instead of
 * Tomcat's HTML page, with the status that names an overflow (414 for the URI, 431 for the
 * headers) instead of Tomcat's 400. Like the valve it replaces, it writes only where nothing else has; it never
 * echoes the request, which may be the malformed part.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    /** Tomcat's message (iib.requestheadertoolarge.error) when the request line or headers overflow its buffer. */
    private static final String HEADER_TOO_LARGE = "Request header is too large";

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        if (code == 400 && throwable != null && String.valueOf(throwable.getMessage()).contains(HEADER_TOO_LARGE)) {
            // Tomcat answers both overflows 400; the request line is parsed first, so a URI is set only if it fit
            code = request.getCoyoteRequest().requestURI().isNull() ? 414 : 431;
            response.setStatus(code);
        }
        HttpStatus status = HttpStatus.resolve(code);
        String title = status == null ? "Error" : status.getReasonPhrase();
        String body = "{\"type\":\"urn:boxserve:problem:" + ApiExceptionHandler.statusType(title)
                + "\",\"title\":\"" + title + "\",\"status\":" + code
                + ",\"detail\":\"the web server refused the request before it reached the API: " + reason(code) + "\"}";
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("utf-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone or the response already committed: nobody to tell
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 414 -> "the request line is over its size limit (server.max-http-request-header-size)";
            case 431 -> "the headers are over its size limit (server.max-http-request-header-size)";
            default -> "a malformed request line, or an encoded slash, backslash or NUL in the path";
        };
    }
}
