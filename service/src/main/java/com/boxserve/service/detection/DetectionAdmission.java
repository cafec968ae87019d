package com.boxserve.service.detection;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
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
 * and would be answered after it is refused here too. A refusal is thrown to the one exception handler.
 */
@Component
public class DetectionAdmission implements HandlerInterceptor {

    private final DetectionService detections;

    DetectionAdmission(DetectionService detections) {
        this.detections = detections;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        DetectionEndpoint endpoint = handler instanceof HandlerMethod method
                ? method.getMethodAnnotation(DetectionEndpoint.class) : null;
        if (endpoint != null) {
            @SuppressWarnings("unchecked")
            Map<String, String> route = (Map<String, String>) request.getAttribute(
                    HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            request.setAttribute(DetectionCall.ATTRIBUTE, detections.admit(route.get("name"), endpoint.api(),
                    request.getContentLengthLong(), RequestDeadline.of(request)));
        }
        return true;
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
