package com.boxserve.service.evaluation;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * An upload's files into a job's dataset folder, within bounds counted as the bytes arrive and
 * expand (never from what a zip's headers claim): the upload's size, what it expands to, and its
 * number of files. A zip entry that would land outside the folder is refused.
 */
@Component
class DatasetUploads {

    /** Files a zip may hold beyond its images: annotations, readme, folders' odds and ends. */
    private static final int SPARE_FILES = 64;

    private final EvaluationProperties limits;

    DatasetUploads(EvaluationProperties limits) {
        this.limits = limits;
    }

    /** A zip streamed as the request body. */
    void unzip(InputStream body, Path folder) {
        Path zip = folder.resolveSibling("upload.zip");
        try {
            try (OutputStream out = Files.newOutputStream(zip)) {
                copy(body, out, limits.maxUploadBytes().toBytes(), "the upload");
            }
            extract(zip, folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(zip);
            } catch (IOException e) {
                // the job's folder goes with the job
            }
        }
    }

    /** A zip part of a multipart upload. */
    void unzip(MultipartFile zip, Path folder) {
        try (InputStream in = zip.getInputStream()) {
            unzip(in, folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The instances part and the image parts, each image under its own file name. */
    void save(MultipartFile instances, List<MultipartFile> images, Path folder) {
        if (images.size() > limits.maxImages()) {
            throw tooLarge("the upload has " + images.size() + " images; the limit (boxserve.evaluation.max-images) is "
                    + limits.maxImages());
        }
        try {
            instances.transferTo(folder.resolve("instances.json"));
            for (MultipartFile image : images) {
                String name = image.getOriginalFilename() == null ? "" : Path.of(image.getOriginalFilename())
                        .getFileName().toString();
                if (name.isBlank() || name.toLowerCase().endsWith(".json")) {
                    throw ServiceFailure.invalid("each 'images' part needs the image's file name (as curl's -F "
                            + "images=@photo.jpg sends it)");
                }
                Path file = folder.resolve(name);
                if (Files.exists(file)) {
                    throw ServiceFailure.invalid("two 'images' parts are named '" + name + "'");
                }
                image.transferTo(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void extract(Path zip, Path folder) throws IOException {
        long budget = limits.maxExpandedBytes();
        int files = 0;
        Path base = folder.normalize();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = archive.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path target = base.resolve(entry.getName()).normalize();
                if (!target.startsWith(base) || target.equals(base)) {
                    throw ServiceFailure.invalid("the zip's entry '" + entry.getName() + "' would land outside the "
                            + "dataset's folder");
                }
                // folders count too: a zip of a million empty folders is no dataset
                if (++files > limits.maxImages() + SPARE_FILES) {
                    throw tooLarge("the zip holds more than " + (limits.maxImages() + SPARE_FILES) + " entries");
                }
                try {
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archive.getInputStream(entry);
                            OutputStream out = Files.newOutputStream(target)) {
                        budget -= copy(in, out, budget, "the zip's files, expanded,");
                    }
                } catch (ZipException | EOFException | FileSystemException e) {
                    throw ServiceFailure.invalid("the zip's entry '" + entry.getName() + "' cannot be unpacked: " + e);
                }
            }
        } catch (ZipException e) {
            throw ServiceFailure.invalid("the upload is not a zip that can be read: " + e.getMessage());
        }
    }

    /** Copies at most {@code limit} bytes, refusing the rest; returns the bytes copied. */
    private static long copy(InputStream in, OutputStream out, long limit, String what) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            copied += n;
            if (copied > limit) {
                throw tooLarge(what + " passed " + limit + " bytes (boxserve.evaluation.max-upload-bytes; four "
                        + "times that expanded)");
            }
            out.write(buffer, 0, n);
        }
        return copied;
    }

    private static ServiceFailure tooLarge(String detail) {
        return new ServiceFailure(FailureKind.DATASET_TOO_LARGE, detail);
    }
}
