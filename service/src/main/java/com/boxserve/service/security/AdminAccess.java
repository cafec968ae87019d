package com.boxserve.service.security;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.stereotype.Component;

/**
 * Who may do what only an operator may (manage models, send work of the high class): with tokens
 * set, the bearer of the admin token; without, the callers on this host unless
 * {@code boxserve.security.management=open}.
 */
@Component
public class AdminAccess {

    private final SecurityProperties security;

    AdminAccess(SecurityProperties security) {
        this.security = security;
    }

    /**
     * Refuses a caller who may not.
     *
     * @param authorization the caller's {@code Authorization} header (null: none)
     * @param peer the TCP peer's address as an IP literal, never X-Forwarded-For: a header anyone can send must not open it
     * @param what what needs it, for the refusal: "model management"
     * @throws ServiceFailure {@link FailureKind#UNAUTHORIZED} without a valid token,
     *         {@link FailureKind#FORBIDDEN} with the user token or from another host
     */
    public void require(String authorization, String peer, String what) {
        String presented = SecurityProperties.bearer(authorization);
        if (security.enabled()) {
            if (!SecurityProperties.matches(presented, security.adminToken())) {
                boolean user = SecurityProperties.matches(presented, security.token());
                throw new ServiceFailure(user ? FailureKind.FORBIDDEN : FailureKind.UNAUTHORIZED, user
                        ? what + " needs the admin token"
                        : what + " needs Authorization: Bearer <admin token>");
            }
        } else if (security.management() == SecurityProperties.Management.LOOPBACK && !loopback(peer)) {
            throw new ServiceFailure(FailureKind.FORBIDDEN, what + " is open to callers on this host only: set "
                    + "boxserve.security.admin-token and send it as Authorization: Bearer <admin token>, or "
                    + "set boxserve.security.management=open");
        }
    }

    private static boolean loopback(String peer) {
        try {
            // Tomcat gives the peer as an IP literal, which getByName parses without a lookup
            return InetAddress.getByName(peer).isLoopbackAddress();
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }
}
