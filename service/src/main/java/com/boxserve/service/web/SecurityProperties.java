package com.boxserve.service.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Access control ({@code boxserve.security.*}), off unless a token is set.
 *
 * @param token with it set, every {@code /v1} call needs {@code Authorization: Bearer <token>} (or the admin token)
 * @param adminToken needed for model management ({@code PUT}/{@code DELETE /v1/models/{name}}) once any token is set
 * @param metricsToken with it set, {@code /actuator/prometheus} needs it; health stays open for probes
 */
@ConfigurationProperties("boxserve.security")
public record SecurityProperties(String token, String adminToken, String metricsToken) {

    boolean enabled() {
        return present(token) || present(adminToken);
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
