package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.security.SecurityProperties;
import com.boxserve.service.workload.Priority;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The cheapest refusal, first of all filters: a detect request for a model with no place free for
 * its class is refused here, before Spring's dispatch, its observation and the other filters, and
 * before its body is read. Under overload most requests are refused, and a client that retries at
 * once sends them as fast as they are answered, so what a refusal costs is what the served
 * requests lose. The door
 * ({@link DetectionAdmission}) still decides for every request this lets through: a request the
 * door would answer otherwise (an unknown model, a malformed or high priority, a missing token)
 * goes on to it. Clients that retry at once, ignoring Retry-After, have their refusals paced
 * ({@link #pace}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class EarlyRefusal extends OncePerRequestFilter {

    private static final Pattern ROUTE =
            Pattern.compile("/v1/models/([^/]+)/detect|/v2/models/([^/]+)(?:/versions/[^/]+)?/infer");
    public static final Duration PACE = Duration.ofMillis(500);
    public static final int PROMPT_REFUSALS_PER_SECOND = 100;
    static final int MAX_HELD = 64;
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final int MAX_ADDRESSES_REMEMBERED = 10_000;

    /** Each client address's refusals in its current second. */
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Semaphore held = new Semaphore(MAX_HELD);
    private final DetectionService detections;
    private final SecurityProperties security;
    private final HandlerExceptionResolver errors;

    EarlyRefusal(DetectionService detections, SecurityProperties security,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.detections = detections;
        this.security = security;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher route = "POST".equals(request.getMethod())
                ? ROUTE.matcher(request.getRequestURI().substring(request.getContextPath().length())) : null;
        Priority priority = route != null && route.matches() ? quietPriority(request.getHeader(DetectionAdmission.PRIORITY))
                : null;
        if (priority != null && security.admitsApi(SecurityProperties.bearer(request.getHeader(HttpHeaders.AUTHORIZATION)))) {
            boolean v1 = route.group(1) != null;
            try {
                detections.refuseIfFull(v1 ? route.group(1) : route.group(2), v1 ? "v1" : "v2", priority);
            } catch (ServiceFailure refused) {
                pace(request);
                errors.resolveException(request, response, null, refused);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * A client address refused more than {@link #PROMPT_REFUSALS_PER_SECOND} times in a second has
     * its further refusals that second held for {@link #PACE}: clients that retry at once then ask
     * twice a second each instead of hundreds (held 100 ms, 64 such clients still took 600 refusals a
     * second and the served rate fell to 0.77-0.89 of capacity; 500 ms, 0.92-1.24: tried.md), and
     * no later than a client that waits out the shortest Retry-After, one second. Tomcat closes the connection after every 503,
     * so each refusal also costs both kernels a TCP connection; paced, refusals stop taking the
     * CPU the served requests need. Clients that wait out Retry-After come back about once a
     * second each and are answered at once, unless more than that many share an address (a proxy's).
     * A held refusal costs a waiting thread, no CPU, and at most {@link #MAX_HELD} are held at once.
     */
    private void pace(HttpServletRequest request) {
        long now = System.nanoTime();
        Window window = windows.compute(request.getRemoteAddr(), (address, last) ->
                last == null || now - last.startNanos() > WINDOW.toNanos() ? new Window(now, 1)
                        : new Window(last.startNanos(), last.refusals() + 1));
        if (windows.size() > MAX_ADDRESSES_REMEMBERED) {
            windows.values().removeIf(old -> now - old.startNanos() > WINDOW.toNanos());
        }
        if (window.refusals() > PROMPT_REFUSALS_PER_SECOND && held.tryAcquire()) {
            try {
                Thread.sleep(PACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.release();
            }
        }
    }

    /** An address's refusals in the second that started at {@code startNanos}. */
    private record Window(long startNanos, int refusals) {
    }

    /** The default and low classes; null for what only the door may answer (high, or a value that is none). */
    private static Priority quietPriority(String asked) {
        try {
            Priority priority = Priority.parse(asked);
            return priority == Priority.HIGH ? null : priority;
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
