package com.boxserve.service.detection;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.springframework.stereotype.Component;

/**
 * Bytes to an upright 8-bit RGB image, with limits checked before the expensive part.
 *
 * <p>Formats: whatever ImageIO reads with the bundled plugins — JPEG (CMYK and YCCK too, via
 * TwelveMonkeys), PNG, BMP, GIF (first frame), WebP. The pixel count is read from the header
 * and checked before any pixel is decoded, so a decompression bomb costs nothing. Colours are
 * converted as PIL's {@code convert("RGB")} does, so pixels equal what a Python user of
 * torchvision would feed: alpha is dropped (not composited), grey is replicated (not
 * gamma-converted), 16-bit samples keep their high byte (where Pillow 9.4 clips them at 255).
 */
@Component
public class ImageDecoder {

    private final ImageProperties limits;

    public ImageDecoder(ImageProperties limits) {
        this.limits = limits;
        ImageIO.setUseCache(false);
    }

    public DecodedImage decode(byte[] bytes) {
        long started = System.nanoTime();
        if (bytes.length == 0) {
            throw ServiceFailure.invalid("the image is empty (0 bytes)");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new ServiceFailure(FailureKind.UNSUPPORTED_IMAGE,
                        "not an image in a supported format (JPEG, PNG, BMP, GIF, WebP)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            try {
                if (format.equals("png")) {
                    PngChunks.verify(bytes);
                } else if (format.equals("bmp")) {
                    verifyBmpHeaders(bytes);
                } else if (format.equals("webp")) {
                    verifyRiffSize(bytes);
                }
                reader.setInput(input, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > limits.maxPixels()) {
                    throw new ServiceFailure(FailureKind.IMAGE_TOO_LARGE, "the image is " + width + "x" + height + " = "
                            + width * height + " pixels; the limit is " + limits.maxPixels());
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage decoded = reader.read(0);
                // readers fill in what a truncated or corrupt file lacks and only warn: detecting
                // objects in made-up grey would answer a broken upload with confident nonsense
                for (String warning : warnings) {
                    String w = warning.toLowerCase(Locale.ROOT);
                    if (w.contains("premature end") || w.contains("corrupt") || w.contains("truncat")) {
                        throw unsupported("the " + format + " image is damaged: " + warning);
                    }
                }
                BufferedImage rgb = toRgb(decoded);
                BufferedImage upright = orient(rgb, exifOrientation(bytes));
                return new DecodedImage(upright, format, System.nanoTime() - started);
            } catch (IOException | RuntimeException e) {
                if (e instanceof ServiceFailure) {
                    throw e;
                }
                throw unsupported("the " + format + " image does not decode: " + e.getMessage());
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw unsupported("the image cannot be read: " + e.getMessage());
        }
    }

    /**
     * ImageIO's BMP reader takes its size from past the end of a file that stops inside its
     * headers, and would refuse "BM" and a few bytes as a huge image instead of a damaged one.
     */
    private static void verifyBmpHeaders(byte[] bytes) {
        // a 14-byte file header, then an info header that begins with its own size (12 bytes at least)
        long infoSize = unsignedLittleEndian(bytes, 14);
        if (infoSize < 12 || 14 + infoSize > bytes.length) {
            throw unsupported("the bmp image is damaged: it ends inside its headers");
        }
    }

    /** The WebP reader reads a frame's size from whatever follows "VP8 ", even where the RIFF container says nothing follows. */
    private static void verifyRiffSize(byte[] bytes) {
        // "RIFF", the size of what follows it, then "WEBP" and at least one chunk header
        long size = unsignedLittleEndian(bytes, 4);
        if (size < 12 || 8 + size > bytes.length) {
            throw unsupported("the webp image is damaged: its RIFF header declares " + size
                    + " bytes after it, and the file has " + Math.max(0, bytes.length - 8));
        }
    }

    /** The unsigned 32-bit little-endian field at {@code offset}, or 0 where the file ends before it. */
    private static long unsignedLittleEndian(byte[] bytes, int offset) {
        return bytes.length < offset + 4 ? 0
                : Integer.toUnsignedLong(ByteBuffer.wrap(bytes, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    static BufferedImage toRgb(BufferedImage source) {
        int width = source.getWidth();
        int height = source.getHeight();
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        int[] row = new int[width];
        if (source.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster raster = source.getRaster();
            int bits = source.getColorModel().getComponentSize(0);
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    int v = bits >= 8 ? row[x] >> (bits - 8) : row[x] * 255 / ((1 << bits) - 1);
                    target[y * width + x] = v << 16 | v << 8 | v;
                }
            }
        } else if (isPlainRgb(source) && source.getRaster().getDataBuffer() instanceof DataBufferByte bytes
                && bytes.getNumBanks() == 1 && source.getSampleModel() instanceof PixelInterleavedSampleModel layout) {
            // 8-bit RGB in one byte array (JPEG's and PNG's usual output), read from the array itself:
            // a third of the per-sample Raster calls' cost
            Raster raster = source.getRaster();
            byte[] data = bytes.getData();
            int[] band = layout.getBandOffsets();
            int pixelStride = layout.getPixelStride();
            int lineStride = layout.getScanlineStride();
            int origin = bytes.getOffset() - raster.getSampleModelTranslateY() * lineStride
                    - raster.getSampleModelTranslateX() * pixelStride;
            for (int y = 0; y < height; y++) {
                int at = origin + y * lineStride;
                for (int x = 0; x < width; x++, at += pixelStride) {
                    target[y * width + x] = (data[at + band[0]] & 0xff) << 16 | (data[at + band[1]] & 0xff) << 8
                            | data[at + band[2]] & 0xff;
                }
            }
        } else if (isPlainRgb(source)) {
            // other 8-bit RGB layouts: the samples as they are, without getRGB's colour-model calls
            Raster raster = source.getRaster();
            int[] samples = new int[width * 3];
            for (int y = 0; y < height; y++) {
                raster.getPixels(0, y, width, 1, samples);
                for (int x = 0; x < width; x++) {
                    target[y * width + x] = samples[3 * x] << 16 | samples[3 * x + 1] << 8 | samples[3 * x + 2];
                }
            }
        } else {
            for (int y = 0; y < height; y++) {
                source.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++) {
                    target[y * width + x] = row[x] & 0xffffff;
                }
            }
        }
        return rgb;
    }

    /** Three 8-bit sRGB bands with no alpha and no palette: samples are the RGB values. */
    private static boolean isPlainRgb(BufferedImage image) {
        ColorModel model = image.getColorModel();
        return model instanceof ComponentColorModel && !model.hasAlpha() && model.getNumComponents() == 3
                && model.getColorSpace().isCS_sRGB() && image.getRaster().getNumBands() == 3
                && model.getComponentSize(0) == 8 && model.getComponentSize(1) == 8 && model.getComponentSize(2) == 8;
    }

    private static int exifOrientation(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            }
        } catch (Exception e) {
            // no readable EXIF: the image is taken as it is stored
        }
        return 1;
    }

    /** Applies an EXIF orientation (1..8) to an RGB image, giving the picture as the camera's user saw it. */
    static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        int[] src = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                dst[y * outW + x] = src[sy * w + sx];
            }
        }
        return out;
    }

    /** Bytes that are no image in a supported format, or that do not decode. */
    static ServiceFailure unsupported(String detail) {
        return new ServiceFailure(FailureKind.UNSUPPORTED_IMAGE, detail);
    }
}
