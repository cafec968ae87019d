package com.boxserve.service.web;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * A client that sends {@code Expect: 100-continue} is told to send its body only once the service
 * reads it. Tomcat's default answers 100 Continue as soon as the headers are parsed, before any
 * filter has looked at them, so a client asking whether to send an image to a full model was told
 * to send it, only for the body to be refused unread; now the refusal comes first, the body never
 * travels, and Tomcat closes the connection rather than wait for a body that may or may not come.
 */
@Component
class ContinueOnRead implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setProperty("continueResponseTiming", "onRead"));
    }
}
