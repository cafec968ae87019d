package com.boxserve.service.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.regex.Pattern;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors the servlet container raises outside any controller, such as a request body that stopped
 * arriving (408), answered as problem details like every other error instead of Spring Boot's
 * default error JSON. It never passes on the container's exception: those name classes.
 */
@RestController
public class ContainerErrorController implements ErrorController {

    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~/-]{0,200}");

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        HttpStatus status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                && HttpStatus.resolve(code) != null ? HttpStatus.resolve(code) : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = status == HttpStatus.REQUEST_TIMEOUT
                ? "the request body stopped arriving for longer than the server's read timeout"
                : "the server refused the request before it reached the API";
        ResponseEntity<Object> answer = ApiExceptionHandler.problem(status,
                ApiExceptionHandler.statusType(status.getReasonPhrase()), status.getReasonPhrase(), detail, null);
        // the request's own path, not this dispatch's /error (kept out where it is not a valid URI)
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String path && SAFE_PATH.matcher(path).matches()) {
            ((ProblemDetail) answer.getBody()).setInstance(URI.create(path));
        }
        return answer;
    }
}
