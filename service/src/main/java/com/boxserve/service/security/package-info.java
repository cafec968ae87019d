/**
 * Who may call what: the tokens of {@link SecurityProperties}, the one place a presented token is
 * compared (in constant time) for every protocol, HTTP's filter and interceptor in {@code web} and gRPC's,
 * and {@link AdminAccess}, what only the operator may do (model management, the high class of work).
 *
 * <p>Dependency rule: below every protocol, it imports no other service package but {@code failure}
 * and the root's {@code Sha256}; it knows no HTTP and no gRPC.
 */
package com.boxserve.service.security;
