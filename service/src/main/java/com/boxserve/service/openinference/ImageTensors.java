package com.boxserve.service.openinference;

import com.boxserve.service.detection.DecodedImage;
import com.boxserve.service.detection.ImageProperties;
import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The images of an inference request's one input: encoded files as a {@code BYTES} tensor of
 * shape [N] (JPEG, PNG... one per element, as OpenVINO Model Server takes them; base64 strings in
 * JSON, raw in binary data), or decoded pixels as a {@code UINT8} tensor [N, H, W, 3] or [H, W, 3]
 * (RGB, row-major; nested or flat numbers in JSON). Every size is checked against the service's
 * limits before anything is allocated for it.
 */
final class ImageTensors {

    private static final String EXPECTED = "give one input: the images, as BYTES [N] (encoded files) or UINT8 "
            + "[N, H, W, 3] (RGB pixels)";

    /** Either the encoded files or the pixels, in order. */
    record Images(List<byte[]> encoded, List<DecodedImage> pixels) {
    }

    private ImageTensors() {
    }

    /**
     * @param binary what follows the JSON header (empty without the binary extension), consumed here
     */
    static Images read(InferenceRequest request, ByteBuffer binary, ImageProperties limits) {
        if (request.inputs() == null || request.inputs().size() != 1) {
            throw ServiceFailure.invalid("inputs: " + EXPECTED + "; found "
                    + (request.inputs() == null ? 0 : request.inputs().size()));
        }
        InferenceRequest.Input input = request.inputs().get(0);
        if (input.shape() == null || input.shape().isEmpty() || input.shape().stream().anyMatch(s -> s == null || s < 1)) {
            throw ServiceFailure.invalid("inputs[0].shape must be positive sizes; found " + input.shape());
        }
        byte[] raw = binaryData(input, binary);
        if (binary.hasRemaining()) {
            throw ServiceFailure.invalid(binary.remaining() + " bytes follow the tensors' binary data that no input "
                    + "claims (binary_data_size)");
        }
        String datatype = String.valueOf(input.datatype());
        return switch (datatype) {
            case "BYTES" -> new Images(encoded(input, raw, limits), null);
            case "UINT8" -> new Images(null, pixels(input, raw, limits));
            default -> throw ServiceFailure.invalid("inputs[0].datatype " + datatype + ": " + EXPECTED);
        };
    }

    /** The input's bytes after the header, where {@code binary_data_size} says it has some; else null. */
    private static byte[] binaryData(InferenceRequest.Input input, ByteBuffer binary) {
        Object size = input.parameters() == null ? null : input.parameters().get("binary_data_size");
        if (size == null) {
            return null;
        }
        if (!(size instanceof Number number) || number.longValue() < 0 || number.longValue() > binary.remaining()) {
            throw ServiceFailure.invalid("inputs[0].parameters.binary_data_size " + size + " is not a size within the "
                    + binary.remaining() + " bytes after the header (Inference-Header-Content-Length)");
        }
        byte[] bytes = new byte[number.intValue()];
        binary.get(bytes);
        return bytes;
    }

    private static List<byte[]> encoded(InferenceRequest.Input input, byte[] raw, ImageProperties limits) {
        if (input.shape().size() != 1) {
            throw ServiceFailure.invalid("inputs[0].shape " + input.shape() + ": encoded images are a BYTES tensor of "
                    + "shape [N]");
        }
        int count = count(input.shape().get(0), limits);
        List<byte[]> images = new ArrayList<>();
        if (raw != null) {
            // each element: its length as a little-endian uint32, then its bytes
            ByteBuffer elements = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                long length = elements.remaining() >= 4 ? Integer.toUnsignedLong(elements.getInt()) : -1;
                if (length < 0 || length > elements.remaining()) {
                    throw ServiceFailure.invalid("inputs[0]: element " + i + " of the binary data is cut short; BYTES "
                            + "elements are each a little-endian uint32 length, then that many bytes");
                }
                byte[] image = new byte[(int) length];
                elements.get(image);
                images.add(image);
            }
            if (elements.hasRemaining()) {
                throw ServiceFailure.invalid("inputs[0]: " + elements.remaining() + " bytes follow its " + count
                        + " elements in binary_data_size");
            }
            return images;
        }
        JsonNode data = input.data();
        if (data == null || !data.isArray() || data.size() != count) {
            throw ServiceFailure.invalid("inputs[0].data must hold " + count + " base64 strings, one image each");
        }
        for (int i = 0; i < count; i++) {
            try {
                images.add(Base64.getDecoder().decode(data.get(i).asText("")));
            } catch (IllegalArgumentException e) {
                throw ServiceFailure.invalid("inputs[0].data[" + i + "] is not base64: " + e.getMessage());
            }
        }
        return images;
    }

    private static List<DecodedImage> pixels(InferenceRequest.Input input, byte[] raw, ImageProperties limits) {
        List<Long> shape = input.shape();
        if ((shape.size() != 3 && shape.size() != 4) || shape.get(shape.size() - 1) != 3) {
            throw ServiceFailure.invalid("inputs[0].shape " + shape + ": pixels are a UINT8 tensor of shape "
                    + "[N, H, W, 3] or [H, W, 3]");
        }
        int count = shape.size() == 4 ? count(shape.get(0), limits) : 1;
        long height = shape.get(shape.size() - 3);
        long width = shape.get(shape.size() - 2);
        // each side alone first: their product could wrap around
        if (height > limits.maxPixels() || width > limits.maxPixels() || height * width > limits.maxPixels()) {
            throw new ServiceFailure(FailureKind.IMAGE_TOO_LARGE, "inputs[0]: the image is " + width + "x" + height
                    + " = " + width * height + " pixels; the limit is " + limits.maxPixels());
        }
        long values = count * height * width * 3;
        if (values > Integer.MAX_VALUE - 8) {
            throw new ServiceFailure(FailureKind.IMAGE_TOO_LARGE, "inputs[0]: " + values + " values in one request");
        }
        byte[] bytes = raw != null ? raw : fromJson(input.data());
        if (bytes.length != values) {
            throw ServiceFailure.invalid("inputs[0] holds " + bytes.length + " values where its shape " + shape
                    + " has " + values);
        }
        List<DecodedImage> images = new ArrayList<>();
        int at = 0;
        for (int n = 0; n < count; n++) {
            long started = System.nanoTime();
            BufferedImage image = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++, at += 3) {
                    image.setRGB(x, y, (bytes[at] & 0xff) << 16 | (bytes[at + 1] & 0xff) << 8 | bytes[at + 2] & 0xff);
                }
            }
            images.add(new DecodedImage(image, "uint8", System.nanoTime() - started));
        }
        return images;
    }

    /**
     * Numbers from 0 to 255, nested as the shape or flat, in row-major order: as many bytes as the
     * body holds numbers, never what the shape claims (its count is checked against them after).
     */
    private static byte[] fromJson(JsonNode data) {
        if (data == null || !data.isArray()) {
            throw ServiceFailure.invalid("inputs[0].data must be an array of numbers from 0 to 255");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        flatten(data, bytes);
        return bytes.toByteArray();
    }

    private static void flatten(JsonNode node, ByteArrayOutputStream into) {
        for (JsonNode value : node) {
            if (value.isArray()) {
                flatten(value, into);
            } else if (!value.isIntegralNumber() || value.intValue() < 0 || value.intValue() > 255) {
                throw ServiceFailure.invalid("inputs[0].data must hold whole numbers from 0 to 255; found " + value);
            } else {
                into.write(value.intValue());
            }
        }
    }

    private static int count(long images, ImageProperties limits) {
        if (images > limits.maxImagesPerRequest()) {
            throw ServiceFailure.invalid(images + " images in one request; the limit is " + limits.maxImagesPerRequest());
        }
        return (int) images;
    }
}
