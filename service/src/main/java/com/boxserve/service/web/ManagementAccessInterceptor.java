package com.boxserve.service.web;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.ManagementOperation;
import com.boxserve.service.security.SecurityProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Who may call a {@link ManagementOperation}: with tokens set, the admin token only; without, the
 * callers on this host unless {@code boxserve.security.management=open}. Runs once Spring knows
 * the handler and before the request's body is read; a refusal is an {@link ServiceFailure}
 * for the one exception handler.
 */
@Component
class ManagementAccessInterceptor implements HandlerInterceptor {

    private final SecurityProperties security;

    ManagementAccessInterceptor(SecurityProperties security) {
        this.security = security;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || !method.hasMethodAnnotation(ManagementOperation.class)) {
            return true;
        }
        String presented = AccessTokenFilter.bearer(request);
        if (security.enabled()) {
            if (!SecurityProperties.matches(presented, security.adminToken())) {
                boolean user = SecurityProperties.matches(presented, security.token());
                throw new ServiceFailure(user ? FailureKind.FORBIDDEN : FailureKind.UNAUTHORIZED, user
                        ? "model management needs the admin token"
                        : "model management needs Authorization: Bearer <admin token>");
            }
        } else if (security.management() == SecurityProperties.Management.LOOPBACK && !loopback(request)) {
            throw new ServiceFailure(FailureKind.FORBIDDEN, "model management is open to callers on this host only: "
                    + "set "
                    + "boxserve.security.admin-token and send it as Authorization: Bearer <admin token>, or "
                    + "set boxserve.security.management=open");
        }
        return true;
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
}
