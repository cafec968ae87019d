package com.boxserve.service.security;

import com.boxserve.service.Sha256;
import java.security.MessageDigest;
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

    private static final String BEARER = "Bearer ";

    /** Who may manage models when no token is set. */
    public enum Management { LOOPBACK, OPEN }

    public SecurityProperties {
        management = management == null ? Management.LOOPBACK : management;
    }

    public boolean enabled() {
        return present(token) || present(adminToken);
    }

    /** Whether a caller presenting {@code presented} (null: none) may use the API: any valid token opens it. */
    public boolean admitsApi(String presented) {
        return !enabled() || matches(presented, adminToken) || matches(presented, token);
    }

    /** The token of an {@code Authorization: Bearer <token>} header (HTTP's, or gRPC's metadata); null without one. */
    public static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : null;
    }

    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** In constant time (digests of equal length): a token is never compared a byte at a time, nor logged. */
    public static boolean matches(String presented, String expected) {
        if (presented == null || !present(expected)) {
            return false;
        }
        return MessageDigest.isEqual(Sha256.of(presented), Sha256.of(expected));
    }
}
