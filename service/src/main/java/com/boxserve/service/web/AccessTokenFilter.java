package com.boxserve.service.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Bearer tokens for the API, the admin API and the metrics, when configured. Tokens are compared
 * in constant time (digests of equal length, {@link MessageDigest#isEqual}) and never logged.
 * Refusals go through the same exception handler as every other error, as problem details.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 1) // before the detect endpoint's admission: a refused caller takes no place
public class AccessTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final Pattern MANAGEMENT = Pattern.compile("/v1/models/[^/]+/?");

    private final SecurityProperties security;
    private final HandlerExceptionResolver errors;

    public AccessTokenFilter(SecurityProperties security,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.security = security;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String presented = bearer(request);
        try {
            if (path.startsWith("/v1/")) {
                checkApi(request, path, presented);
            } else if (path.equals("/actuator/prometheus") && SecurityProperties.present(security.metricsToken())
                    && !matches(presented, security.metricsToken())) {
                throw new AccessDeniedException("the metrics need Authorization: Bearer <metrics token>", false);
            }
        } catch (AccessDeniedException denied) {
            errors.resolveException(request, response, null, denied);
            return;
        }
        chain.doFilter(request, response);
    }

    private void checkApi(HttpServletRequest request, String path, String presented) {
        String method = request.getMethod();
        boolean management = MANAGEMENT.matcher(path).matches() && ("PUT".equals(method) || "DELETE".equals(method));
        if (management && security.enabled()) {
            if (!matches(presented, security.adminToken())) {
                boolean user = matches(presented, security.token());
                throw new AccessDeniedException(user ? "model management needs the admin token"
                        : "model management needs Authorization: Bearer <admin token>", user);
            }
        } else if (management) {
            if (security.management() == SecurityProperties.Management.LOOPBACK && !loopback(request)) {
                throw new AccessDeniedException("model management is open to callers on this host only: set "
                        + "boxserve.security.admin-token and send it as Authorization: Bearer <admin token>, or "
                        + "set boxserve.security.management=open", true);
            }
        } else if (security.enabled() && !matches(presented, security.adminToken())
                && !matches(presented, security.token())) {
            throw new AccessDeniedException(presented == null ? "this API needs Authorization: Bearer <token>"
                    : "the token is not valid", false);
        }
    }

    /** The TCP peer, never X-Forwarded-For: a header anyone can send must not open management. */
    private static boolean loopback(HttpServletRequest request) {
        try {
            // Tomcat gives the peer as an IP literal, which getByName parses without a lookup
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim() : null;
    }

    /** Constant time in the token's content and length: both sides are hashed first. */
    static boolean matches(String presented, String expected) {
        if (presented == null || !SecurityProperties.present(expected)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
