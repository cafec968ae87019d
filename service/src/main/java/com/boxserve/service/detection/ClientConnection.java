package com.boxserve.service.detection;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.BooleanSupplier;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.RequestFacade;
import org.apache.coyote.AbstractProcessor;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether the client of a request still waiting for its answer has closed its connection.
 * The Servlet API has no such notice, and Tomcat polls a connection for reads only between
 * requests, never while a (blocking or async) request is in the application: a client that closes
 * its socket while its job is queued is seen by nobody until the answer is written. So the waiting
 * thread asks the connection itself: a non-blocking read into Tomcat's own socket buffer (what it
 * reads stays there for the next request) that ends of file or fails once the client has gone.
 * As nginx does, a client that half-closes its side counts as gone.
 *
 * <p>Tomcat keeps the connection out of reach (the facade's request, the processor behind the
 * coyote request); where those are not found (another container, another Tomcat) nothing can
 * be told, and the service says so once.
 */
final class ClientConnection {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    private static final MethodHandle FACADE_REQUEST;
    private static final MethodHandle PROCESSOR;
    private static final MethodHandle SOCKET;

    static {
        MethodHandle facade = null;
        MethodHandle processor = null;
        MethodHandle socket = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            facade = MethodHandles.privateLookupIn(RequestFacade.class, lookup)
                    .findGetter(RequestFacade.class, "request", Request.class);
            processor = MethodHandles.privateLookupIn(org.apache.coyote.Request.class, lookup)
                    .findGetter(org.apache.coyote.Request.class, "hook", org.apache.coyote.ActionHook.class);
            socket = MethodHandles.privateLookupIn(AbstractProcessor.class, lookup)
                    .findVirtual(AbstractProcessor.class, "getSocketWrapper", MethodType.methodType(SocketWrapperBase.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("a closed client connection cannot be told on this container ({}): queued requests of clients "
                    + "that have gone will still run", e.toString());
        }
        FACADE_REQUEST = facade;
        PROCESSOR = processor;
        SOCKET = socket;
    }

    private ClientConnection() {
    }

    /** Whether the client of {@code request} has gone; null where that cannot be told. To be asked on the request's thread only. */
    static BooleanSupplier gone(ServletRequest request) {
        ServletRequest inner = request;
        while (inner instanceof ServletRequestWrapper wrapper) {
            inner = wrapper.getRequest();
        }
        if (SOCKET == null || !(inner instanceof RequestFacade facade)) {
            return null;
        }
        try {
            Request connector = (Request) FACADE_REQUEST.invoke(facade);
            if (!(PROCESSOR.invoke(connector.getCoyoteRequest()) instanceof AbstractProcessor processor)) {
                return null;
            }
            SocketWrapperBase<?> socket = (SocketWrapperBase<?>) SOCKET.invoke(processor);
            return socket == null ? null : () -> closed(socket);
        } catch (Throwable e) {
            log.debug("no connection to watch for this request: {}", e.toString());
            return null;
        }
    }

    private static boolean closed(SocketWrapperBase<?> socket) {
        if (socket.isClosed()) {
            return true;
        }
        try {
            socket.isReadyForRead();
            return false;
        } catch (IOException endOfFileOrReset) {
            return true;
        }
    }
}
