package com.boxserve.service.detection;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.UriUtils;

/**
 * The door of the detect endpoint: a request takes its place in the model's pool here, from its
 * headers alone, or is refused before a byte of its body is read (Spring would otherwise read a
 * multipart body whole before any controller runs). The place is held until the answer is
 * written, so at most queue capacity + workers requests of a model are ever being read, decoded,
 * queued or run: refused requests cost no decoding, and decoding's share of the CPU is bounded.
 * Refusals go through the one exception handler, as problem details. Runs after access control.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class DetectionAdmissionFilter extends OncePerRequestFilter {

    private static final Pattern DETECT = Pattern.compile("/v1/models/([^/]+)/detect");

    private final DetectionService detections;
    private final HandlerExceptionResolver errors;

    public DetectionAdmissionFilter(DetectionService detections,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.detections = detections;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher detect = DETECT.matcher(request.getRequestURI().substring(request.getContextPath().length()));
        if (!"POST".equals(request.getMethod()) || !detect.matches()) {
            chain.doFilter(request, response);
            return;
        }
        String model = UriUtils.decode(detect.group(1), StandardCharsets.UTF_8);
        DetectionCall call;
        try {
            call = detections.admit(model, request.getContentLengthLong());
        } catch (RuntimeException refused) {
            errors.resolveException(request, response, null, refused);
            return;
        }
        request.setAttribute(DetectionCall.ATTRIBUTE, call);
        boolean answered = false;
        try {
            chain.doFilter(request, response);
            answered = true;
        } finally {
            detections.finish(call, answered ? response.getStatus() : 500);
        }
    }
}
