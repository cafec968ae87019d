package com.boxserve.service.evaluation;

import com.boxserve.service.failure.ServiceFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Evaluation jobs: {@code POST /v1/evaluations} takes labelled images (a zip as the body, multipart
 * parts, or a folder under the data root) and answers 202 with the job; {@code GET} follows it,
 * {@code GET .../detections/{model}} downloads a model's detections, {@code DELETE} cancels it (or
 * removes it once ended).
 */
@RestController
@Tag(name = "evaluation")
public class EvaluationController {

    private static final String JOBS = "/v1/evaluations";

    private final EvaluationJobs jobs;
    private final DatasetUploads uploads;

    EvaluationController(EvaluationJobs jobs, DatasetUploads uploads) {
        this.jobs = jobs;
        this.uploads = uploads;
    }

    @PostMapping(path = JOBS, consumes = {"application/zip", "application/x-zip-compressed"})
    @Operation(summary = "Evaluate on a zip of COCO annotations and images sent as the body")
    public ResponseEntity<EvaluationView> uploadZip(InputStream body,
            @Parameter(description = "models to evaluate; unset: every READY model")
            @RequestParam(required = false) List<String> models,
            @Parameter(description = "the annotations file in the zip; unset: its one JSON file")
            @RequestParam(required = false) String annotations,
            @Parameter(description = "yourName=cocoName, one per category whose name is not COCO's")
            @RequestParam(required = false) List<String> categoryMapping) {
        return upload(folder -> uploads.unzip(body, folder), annotations, models, categoryMapping);
    }

    @PostMapping(path = JOBS, consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Evaluate on a part 'dataset' (a zip), or a part 'instances' (COCO annotations) and "
            + "parts 'images'")
    public ResponseEntity<EvaluationView> uploadParts(
            @RequestPart(name = "dataset", required = false) MultipartFile dataset,
            @RequestPart(name = "instances", required = false) MultipartFile instances,
            @RequestPart(name = "images", required = false) List<MultipartFile> images,
            @RequestParam(required = false) List<String> models,
            @RequestParam(required = false) String annotations,
            @RequestParam(required = false) List<String> categoryMapping) {
        if (dataset != null) {
            return upload(folder -> uploads.unzip(dataset, folder), annotations, models, categoryMapping);
        }
        if (instances == null || images == null || images.isEmpty()) {
            throw ServiceFailure.invalid("send a part 'dataset' (a zip), or a part 'instances' (COCO annotations "
                    + "JSON) and one part 'images' per image");
        }
        return upload(folder -> uploads.save(instances, images, folder), null, models, categoryMapping);
    }

    @PostMapping(path = JOBS, consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Evaluate on a folder under the data root (boxserve.evaluation.data-root)")
    public ResponseEntity<EvaluationView> folder(@Valid @RequestBody EvaluationRequest request) {
        Path folder = jobs.dataRootFolder(request.directory());
        String id = jobs.reserve();
        Map<String, String> mapping = request.categoryMapping() == null ? Map.of() : request.categoryMapping();
        return accepted(jobs.submit(id, new EvaluationJobs.Submission(folder, request.directory(),
                request.annotations(), request.models(), mapping)));
    }

    @GetMapping(JOBS)
    @Operation(summary = "Every evaluation job kept, newest first")
    public List<EvaluationView> list() {
        return jobs.all();
    }

    /** Whether jobs may name a folder, and the folders they may name. */
    public record DataRoot(boolean dataRoot, List<String> folders) {
    }

    @GetMapping(JOBS + "/folders")
    @Operation(summary = "The folders under the data root a job may name")
    public DataRoot folders() {
        return jobs.dataRootFolders().map(folders -> new DataRoot(true, folders))
                .orElseGet(() -> new DataRoot(false, List.of()));
    }

    @GetMapping(JOBS + "/{id}")
    @Operation(summary = "A job: progress per model while it runs, figures, latency and provenance once done")
    public EvaluationView get(@PathVariable String id) {
        return jobs.get(id);
    }

    @GetMapping(path = JOBS + "/{id}/detections/{model}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A model's detections on the job's images, in COCO results format")
    public ResponseEntity<FileSystemResource> detections(@PathVariable String id, @PathVariable String model) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + "-" + model + ".json\"")
                .body(new FileSystemResource(jobs.detections(id, model)));
    }

    @DeleteMapping(JOBS + "/{id}")
    @Operation(summary = "Cancel a job (kept, CANCELLED); a job that has ended is removed with its data")
    public ResponseEntity<EvaluationView> delete(@PathVariable String id) {
        return jobs.cancelOrRemove(id).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build());
    }

    private ResponseEntity<EvaluationView> upload(Consumer<Path> save, String annotations, List<String> models,
            List<String> categoryMapping) {
        Map<String, String> mapping = mapping(categoryMapping);
        String id = jobs.reserve();
        try {
            save.accept(jobs.datasetFolder(id));
        } catch (RuntimeException e) {
            jobs.abandon(id);
            throw e;
        }
        return accepted(jobs.submit(id, new EvaluationJobs.Submission(jobs.datasetFolder(id), null, annotations,
                models, mapping)));
    }

    private static Map<String, String> mapping(List<String> entries) {
        Map<String, String> mapping = new LinkedHashMap<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            int equals = entry.indexOf('=');
            if (equals < 1 || equals == entry.length() - 1) {
                throw ServiceFailure.invalid("categoryMapping '" + entry + "' must be yourName=cocoName");
            }
            mapping.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
        }
        return mapping;
    }

    private static ResponseEntity<EvaluationView> accepted(EvaluationView view) {
        return ResponseEntity.accepted().location(URI.create(JOBS + "/" + view.id())).body(view);
    }
}
