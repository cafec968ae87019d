package com.boxserve.service.detection;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The multipart parser's limits, from {@code boxserve.images.max-bytes} and not from a second
 * setting of Spring's ({@code spring.servlet.multipart.*}, which this bean replaces): raising the
 * image limit raises it for raw and multipart bodies alike. Parts stay in memory up to that
 * size, as a raw body does, rather than going through temporary files. Bodies are parsed lazily,
 * when a handler first reads its parts, so that the door ({@link DetectionAdmission}) can refuse a
 * request before its body is read.
 */
@Configuration(proxyBeanMethods = false)
class MultipartLimits {

    @Bean
    MultipartConfigElement multipartConfigElement(ImageProperties limits) {
        long max = limits.maxBytes().toBytes();
        return new MultipartConfigElement(null, max, max, (int) Math.min(Integer.MAX_VALUE, max));
    }

    @Bean(DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    StandardServletMultipartResolver multipartResolver() {
        StandardServletMultipartResolver resolver = new StandardServletMultipartResolver();
        resolver.setResolveLazily(true);
        return resolver;
    }
}
