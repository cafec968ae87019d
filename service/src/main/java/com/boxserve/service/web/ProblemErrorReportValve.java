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
 * Tomcat's HTML page. Like the valve it replaces, it writes only where nothing else has; it never
 * echoes the request, which may be the malformed part.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

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
        HttpStatus status = HttpStatus.resolve(code);
        String title = status == null ? "Error" : status.getReasonPhrase();
        String body = "{\"type\":\"urn:boxserve:problem:" + ApiExceptionHandler.statusType(title)
                + "\",\"title\":\"" + title + "\",\"status\":" + code
                + ",\"detail\":\"the web server refused the request before it reached the API: a malformed or encoded"
                + " path, or a URI or headers over its size limits\"}";
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
}
