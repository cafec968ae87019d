package com.boxserve.service.web;

import com.boxserve.service.detection.DetectionAdmission;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The checks that need to know the handler: who may call a management endpoint, and the door of detection. */
@Configuration(proxyBeanMethods = false)
class ApiInterceptors implements WebMvcConfigurer {

    private final ManagementAccessInterceptor management;
    private final DetectionAdmission detection;

    ApiInterceptors(ManagementAccessInterceptor management, DetectionAdmission detection) {
        this.management = management;
        this.detection = detection;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(management);
        registry.addInterceptor(detection);
    }
}
