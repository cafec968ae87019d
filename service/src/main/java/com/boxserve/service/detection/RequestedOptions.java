package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.zoo.CocoCategories;
import com.boxserve.zoo.DetectionOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A detect request's options as every protocol names them: a threshold, COCO classes by name or id, a cap. */
public final class RequestedOptions {

    private RequestedOptions() {
    }

    /**
     * @param classes COCO category names or ids, each entry possibly comma-separated; null for all
     */
    public static DetectionOptions of(Float threshold, List<String> classes, Integer maxDetections) {
        Set<Integer> ids = new HashSet<>();
        if (classes != null) {
            for (String value : classes) {
                for (String name : value.split(",")) {
                    if (!name.isBlank()) {
                        try {
                            ids.add(CocoCategories.id(name));
                        } catch (IllegalArgumentException e) {
                            throw ServiceFailure.invalid(e.getMessage());
                        }
                    }
                }
            }
        }
        return new DetectionOptions(threshold, ids, maxDetections);
    }
}
