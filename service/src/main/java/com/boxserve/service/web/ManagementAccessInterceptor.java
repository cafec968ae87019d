package com.boxserve.service.web;

import com.boxserve.service.models.ManagementOperation;
import com.boxserve.service.security.AdminAccess;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Who may call a {@link ManagementOperation}: the operator ({@link AdminAccess}). Runs once Spring
 * knows the handler and before the request's body is read; a refusal is a failure for the one
 * exception handler.
 */
@Component
class ManagementAccessInterceptor implements HandlerInterceptor {

    private final AdminAccess admin;

    ManagementAccessInterceptor(AdminAccess admin) {
        this.admin = admin;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (handler instanceof HandlerMethod method && method.hasMethodAnnotation(ManagementOperation.class)) {
            admin.require(request.getHeader(HttpHeaders.AUTHORIZATION), request.getRemoteAddr(), "model management");
        }
        return true;
    }
}
