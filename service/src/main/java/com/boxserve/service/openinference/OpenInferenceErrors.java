package com.boxserve.service.openinference;

import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Failures under {@code /v2} in the protocol's words: {@code {"error": "..."}} instead of a problem
 * detail, with the same status and headers ({@code Retry-After} included). The one exception handler
 * still decides every answer; only the body's shape is the protocol's, here and nowhere else.
 */
@ControllerAdvice
class OpenInferenceErrors implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && request.getURI().getPath().startsWith("/v2")) {
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            return Map.of("error", problem.getDetail() != null ? problem.getDetail() : problem.getTitle());
        }
        return body;
    }
}
