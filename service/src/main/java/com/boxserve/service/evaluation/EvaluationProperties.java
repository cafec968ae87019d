package com.boxserve.service.evaluation;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Evaluation jobs ({@code boxserve.evaluation.*}).
 *
 * @param directory where jobs, their uploaded data and their results are kept, across restarts
 * @param dataRoot the folder whose subfolders a job may name as its data; unset: uploads only
 * @param maxJobs jobs kept; a new job removes the oldest ended one, and is refused when none has ended
 * @param maxUploadBytes the largest zip body (multipart uploads stay within boxserve.images.max-bytes), and a quarter of
 *     what its files may expand to
 * @param maxImages the most images one job's annotations may list
 * @param concurrentJobs jobs run at once; the others wait their turn
 */
@ConfigurationProperties("boxserve.evaluation")
public record EvaluationProperties(
        @DefaultValue("evaluations") Path directory,
        Path dataRoot,
        @DefaultValue("20") int maxJobs,
        @DefaultValue("1GB") DataSize maxUploadBytes,
        @DefaultValue("5000") int maxImages,
        @DefaultValue("1") int concurrentJobs) {

    public EvaluationProperties {
        if (maxJobs < 1 || maxImages < 1 || concurrentJobs < 1 || maxUploadBytes.toBytes() < 1) {
            throw new IllegalArgumentException("boxserve.evaluation: max-jobs, max-images, concurrent-jobs and "
                    + "max-upload-bytes must be at least 1");
        }
    }

    /** What an upload's files may expand to. */
    public long maxExpandedBytes() {
        return maxUploadBytes.toBytes() * 4;
    }
}
