package com.boxserve.service.evaluation;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestImages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small COCO datasets of the test images (all 320×240), for evaluation jobs sent by API and by the page. */
public final class CocoSets {

    private CocoSets() {
    }

    public static ObjectNode instances(String[] files, String... categories) {
        ObjectNode truth = ServiceHttp.JSON.createObjectNode();
        ArrayNode images = truth.putArray("images");
        for (int i = 0; i < files.length; i++) {
            images.addObject().put("id", i + 1).put("file_name", files[i]).put("width", 320).put("height", 240);
        }
        truth.putArray("annotations");
        ArrayNode list = truth.putArray("categories");
        for (int i = 0; i < categories.length; i++) {
            list.addObject().put("id", i + 1).put("name", categories[i]);
        }
        return truth;
    }

    public static ObjectNode annotation(int id, int image, int category, double x, double y, double w, double h) {
        ObjectNode a = ServiceHttp.JSON.createObjectNode().put("id", id).put("image_id", image)
                .put("category_id", category).put("area", w * h).put("iscrowd", 0);
        a.putArray("bbox").add(x).add(y).add(w).add(h);
        return a;
    }

    /** COCO's layout: the annotations in one folder, the images in a sibling. */
    public static byte[] zip(ObjectNode truth, String... images) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("annotations/instances.json"));
            out.write(bytes(truth));
            for (String image : new LinkedHashSet<>(List.of(images))) {
                out.putNextEntry(new ZipEntry("images/" + image));
                out.write(TestImages.resource(image));
            }
        }
        return bytes.toByteArray();
    }

    public static byte[] bytes(JsonNode json) throws IOException {
        return ServiceHttp.JSON.writeValueAsBytes(json);
    }

}
