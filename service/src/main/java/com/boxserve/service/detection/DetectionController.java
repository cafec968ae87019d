package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.detection.DetectionResponse.DetectionView;
import com.boxserve.service.detection.DetectionResponse.ImageSize;
import com.boxserve.service.detection.DetectionResponse.ModelRef;
import com.boxserve.service.detection.DetectionResponse.Timings;
import com.boxserve.service.models.ModelView.WeightsView;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.WeightsProvenance;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/models/{name}/detect}: an image as the raw body, or one or more as multipart
 * parts named {@code image}. JSON by default; {@code Accept: image/png} or {@code image/jpeg}
 * returns the image with the detections drawn on it. The request was admitted at the door
 * ({@link DetectionAdmission}) before its body was read.
 */
@RestController
@Tag(name = "detection", description = "Objects in images: boxes, COCO labels, scores")
public class DetectionController {

    private static final String PATH = "/v1/models/{name}/detect";
    private static final MediaType IMAGE_JPEG = MediaType.IMAGE_JPEG;
    private static final MediaType IMAGE_PNG = MediaType.IMAGE_PNG;

    private final DetectionService detections;
    private final AnnotatedImageRenderer renderer;
    private final ImageProperties limits;

    public DetectionController(DetectionService detections, AnnotatedImageRenderer renderer, ImageProperties limits) {
        this.detections = detections;
        this.renderer = renderer;
        this.limits = limits;
    }

    @PostMapping(path = PATH, consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE},
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE})
    @Operation(summary = "Detect objects in one image sent as the request body")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true, description = "a served model")
    @DetectionEndpoint
    public ResponseEntity<?> detectBody(
            @Parameter(hidden = true) @RequestAttribute(DetectionCall.ATTRIBUTE) DetectionCall call, InputStream body,
            @Parameter(description = "keep detections scoring at least this (not below the model's floor)")
            @RequestParam(required = false) Float threshold,
            @Parameter(description = "COCO category names or ids, comma-separated")
            @RequestParam(required = false) List<String> classes,
            @RequestParam(required = false) Integer maxDetections,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) throws IOException {
        byte[] bytes = limits.readBody(body);
        DetectionOptions options = RequestedOptions.of(threshold, classes, maxDetections);
        return respond(detections.detect(call, List.of(bytes), options), accept);
    }

    @PostMapping(path = PATH, consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE})
    @Operation(summary = "Detect objects in one or more images sent as multipart parts named 'image'")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true, description = "a served model")
    @DetectionEndpoint
    public ResponseEntity<?> detectParts(
            @Parameter(hidden = true) @RequestAttribute(DetectionCall.ATTRIBUTE) DetectionCall call,
            @RequestPart("image") List<MultipartFile> images,
            @RequestParam(required = false) Float threshold,
            @RequestParam(required = false) List<String> classes,
            @RequestParam(required = false) Integer maxDetections,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) throws IOException {
        if (images.size() > limits.maxImagesPerRequest()) {
            throw ServiceFailure.invalid(images.size() + " images in one request; the limit is "
                    + limits.maxImagesPerRequest());
        }
        List<byte[]> bytes = new ArrayList<>();
        for (MultipartFile image : images) {
            bytes.add(image.getBytes());
        }
        DetectionOptions options = RequestedOptions.of(threshold, classes, maxDetections);
        List<Detected> answers = detections.detect(call, bytes, options);
        if (answers.size() == 1) {
            return respond(answers, accept);
        }
        if (wantsImage(accept) != null) {
            throw ServiceFailure.invalid("an annotated image can be returned for one image at a time");
        }
        List<DetectionResponse> results = answers.stream().map(DetectionController::toResponse).toList();
        DetectionResponse first = results.get(0);
        return ResponseEntity.ok(new DetectionResponse.Batch(first.model(), results, first.warning()));
    }

    private ResponseEntity<?> respond(List<Detected> answers, String accept) {
        Detected answer = answers.get(0);
        MediaType image = wantsImage(accept);
        if (image != null) {
            byte[] annotated = renderer.render(answer.image(), answer.result().detections(),
                    image.equals(IMAGE_PNG) ? "png" : "jpeg");
            return ResponseEntity.ok().contentType(image).body(annotated);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(toResponse(answer));
    }

    /** The image type the client prefers over JSON, if any. */
    private static MediaType wantsImage(String accept) {
        if (accept == null || accept.isBlank()) {
            return null;
        }
        List<MediaType> types = new ArrayList<>(MediaType.parseMediaTypes(accept));
        MediaType.sortBySpecificityAndQuality(types);
        for (MediaType type : types) {
            if (type.isCompatibleWith(MediaType.APPLICATION_JSON) && !type.isWildcardType()) {
                return null;
            }
            if (type.equals(IMAGE_PNG) || type.equals(IMAGE_JPEG)) {
                return type.removeQualityValue();
            }
        }
        return null;
    }

    private static DetectionResponse toResponse(Detected answer) {
        WeightsProvenance weights = answer.model().metadata().orElseThrow().weights();
        ModelRef model = new ModelRef(answer.model().name(), answer.model().engineName(),
                answer.model().precision().label(), WeightsView.of(weights));
        return new DetectionResponse(model,
                new ImageSize(answer.result().width(), answer.result().height()),
                answer.result().detections().stream().map(DetectionView::of).toList(),
                new Timings(millis(answer.image().decodeNanos()), millis(answer.queueNanos()),
                        millis(answer.inferenceNanos()), millis(answer.totalNanos()), answer.batchSize()),
                answer.model().warning().orElse(null));
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
