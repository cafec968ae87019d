package com.boxserve.service.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The checks that need to know the handler: who may call a management endpoint. */
@Configuration(proxyBeanMethods = false)
class ApiInterceptors implements WebMvcConfigurer {

    private final ManagementAccessInterceptor management;

    ApiInterceptors(ManagementAccessInterceptor management) {
        this.management = management;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(management);
    }
}
