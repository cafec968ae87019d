package com.boxserve.service.web;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.security.SecurityProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Bearer tokens for the API ({@code /v1}, and the Open Inference Protocol's {@code /v2} but for its
 * health routes, which Kubernetes probes call without one) and the metrics, when configured (the
 * admin API's is checked by {@link ManagementAccessInterceptor}, which knows the endpoints by their
 * annotation). Tokens are compared in constant time ({@link SecurityProperties#matches}) and never
 * logged. Refusals go through the same exception handler as
 * every other error.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 1)
public class AccessTokenFilter extends OncePerRequestFilter {


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
            if (path.startsWith("/v1/") || path.startsWith("/v2") && !path.startsWith("/v2/health/")) {
                checkApi(presented);
            } else if (path.equals("/actuator/prometheus") && SecurityProperties.present(security.metricsToken())
                    && !SecurityProperties.matches(presented, security.metricsToken())) {
                throw new ServiceFailure(FailureKind.UNAUTHORIZED,
                        "the metrics need Authorization: Bearer <metrics token>");
            }
        } catch (ServiceFailure denied) {
            errors.resolveException(request, response, null, denied);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Any valid token opens the API here; management endpoints ask for more in {@link ManagementAccessInterceptor}. */
    private void checkApi(String presented) {
        if (!security.admitsApi(presented)) {
            throw new ServiceFailure(FailureKind.UNAUTHORIZED, presented == null
                    ? "this API needs Authorization: Bearer <token>" : "the token is not valid");
        }
    }

    private static String bearer(HttpServletRequest request) {
        return SecurityProperties.bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
    }
}
