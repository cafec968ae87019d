package com.boxserve.service.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Access control ({@code boxserve.security.*}), off unless a token is set; model management,
 * though, is open only to callers on this host unless a token is set or it is opened explicitly.
 *
 * @param token with it set, every {@code /v1} call needs {@code Authorization: Bearer <token>} (or the admin token)
 * @param adminToken needed for model management ({@code PUT}/{@code DELETE /v1/models/{name}}) once any token is set
 * @param metricsToken with it set, {@code /actuator/prometheus} needs it; health stays open for probes
 * @param management who may manage models when no token at all is set: callers on this host
 *     (loopback, the default) or anyone ({@code open})
 */
@ConfigurationProperties("boxserve.security")
public record SecurityProperties(String token, String adminToken, String metricsToken, Management management) {

    /** Who may manage models when no token is set. */
    public enum Management { LOOPBACK, OPEN }

    public SecurityProperties {
        management = management == null ? Management.LOOPBACK : management;
    }

    boolean enabled() {
        return present(token) || present(adminToken);
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
