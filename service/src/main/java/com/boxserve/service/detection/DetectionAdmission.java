package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.security.AdminAccess;
import com.boxserve.service.workload.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The door of the detect endpoints: a request takes its place in the model's pool here, from its
 * route and headers alone, or is refused before a byte of its body is read. It runs once Spring has
 * matched the route (the model is the {@code name} it parsed) and before the handler's arguments are
 * resolved; multipart bodies are parsed lazily ({@link MultipartLimits}), when the parts are first
 * read. The place is held until the answer is written, so at most queue capacity + workers requests
 * of a model are ever being read, decoded, queued or run: refused requests cost no decoding, and
 * decoding's share of the CPU is bounded. A request that gives its deadline ({@link RequestDeadline})
 * and would be answered after it is refused here too. Its class in the queue comes from the
 * {@value #PRIORITY} header ({@code high} for the operator only: {@link AdminAccess}), and its
 * connection is watched while it waits ({@link ClientConnection}). A refusal is thrown to the one
 * exception handler.
 */
@Component
public class DetectionAdmission implements HandlerInterceptor {

    /** The header that names a request's class: {@code high}, {@code default} or {@code low}. */
    public static final String PRIORITY = "Request-Priority";

    private final DetectionService detections;
    private final AdminAccess admin;

    DetectionAdmission(DetectionService detections, AdminAccess admin) {
        this.detections = detections;
        this.admin = admin;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        DetectionEndpoint endpoint = handler instanceof HandlerMethod method
                ? method.getMethodAnnotation(DetectionEndpoint.class) : null;
        if (endpoint != null) {
            @SuppressWarnings("unchecked")
            Map<String, String> route = (Map<String, String>) request.getAttribute(
                    HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            RequestTerms terms = new RequestTerms(RequestDeadline.of(request), priority(request),
                    ClientConnection.gone(request));
            request.setAttribute(DetectionCall.ATTRIBUTE, detections.admit(route.get("name"), endpoint.api(),
                    request.getContentLengthLong(), terms));
        }
        return true;
    }

    private Priority priority(HttpServletRequest request) {
        Priority priority;
        try {
            priority = Priority.parse(request.getHeader(PRIORITY));
        } catch (IllegalArgumentException e) {
            throw ServiceFailure.invalid("the " + PRIORITY + " header " + e.getMessage());
        }
        if (priority == Priority.HIGH) {
            admin.require(request.getHeader(HttpHeaders.AUTHORIZATION), request.getRemoteAddr(), "the high priority class");
        }
        return priority;
    }

    /** After the answer, an error answer included; a failure nothing answered is a 500. */
    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (request.getAttribute(DetectionCall.ATTRIBUTE) instanceof DetectionCall call) {
            // once: an answer Tomcat writes through its error page dispatches to the interceptors again
            request.removeAttribute(DetectionCall.ATTRIBUTE);
            call.finish(ex == null ? response.getStatus() : 500);
        }
    }
}
