package com.boxserve.service.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

/**
 * The decoder's pixels against PIL's {@code convert("RGB")} of the same file (written by
 * make_images.py into images/decoded/), what a Python user of torchvision feeds the model.
 * Every format matches exactly but WebP, whose two decoders upsample chroma differently. The
 * 16-bit grey's reference is the 8-bit grey of the same picture (make_images.py says why).
 */
class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(new ImageProperties(DataSize.ofMegabytes(20), 40_000_000, 16));

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // file, the largest difference of one sample, the largest mean difference per sample
            "photo.png, 0, 0", "photo.bmp, 0, 0", "rgba.png, 0, 0", "gray.png, 0, 0", "gray16.png, 0, 0",
            "animated.gif, 0, 0", "photo.jpg, 0, 0", "cmyk.jpg, 0, 0",
            // libwebp upsamples chroma smoothly ("fancy upsampling"), the Java reader does not: edges
            // differ by up to 66 levels, the picture by 2.2 on average (measured)
            "photo.webp, 70, 2.5"})
    void decodesToThePixelsPilGives(String file, int maxDifference, double maxMeanDifference) throws Exception {
        BufferedImage decoded = decoder.decode(TestImages.resource(file)).pixels();
        BufferedImage pil = ImageIO.read(new ByteArrayInputStream(TestImages.resource("decoded/" + file.replace('.', '-') + ".png")));
        assertEquals(pil.getWidth(), decoded.getWidth());
        assertEquals(pil.getHeight(), decoded.getHeight());
        int worst = 0;
        long total = 0;
        for (int y = 0; y < pil.getHeight(); y++) {
            for (int x = 0; x < pil.getWidth(); x++) {
                int want = pil.getRGB(x, y);
                int got = decoded.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int difference = Math.abs((want >> shift & 0xff) - (got >> shift & 0xff));
                    worst = Math.max(worst, difference);
                    total += difference;
                }
            }
        }
        double mean = (double) total / (3L * pil.getWidth() * pil.getHeight());
        System.out.printf("%s: largest sample difference %d, mean %.4f%n", file, worst, mean);
        assertTrue(worst <= maxDifference, file + ": a sample differs from PIL's by " + worst);
        assertTrue(mean <= maxMeanDifference, file + ": samples differ from PIL's by " + mean + " on average");
    }
}
