package com.boxserve.service.detection;

import com.boxserve.zoo.Detection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Component;

/** Draws detections onto a copy of the image: a box, its label and score, one colour per category. */
@Component
public class AnnotatedImageRenderer {

    public byte[] render(DecodedImage image, List<Detection> detections, String format) {
        BufferedImage canvas = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.drawImage(image.pixels(), 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float scale = Math.max(1f, Math.max(image.width(), image.height()) / 640f);
            g.setStroke(new BasicStroke(2 * scale));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(12 * scale)));
            FontMetrics metrics = g.getFontMetrics();
            for (Detection d : detections) {
                Color colour = Color.getHSBColor((d.categoryId() * 0.61803f) % 1f, 0.85f, 1f);
                int x = (int) Math.round(d.box().x1());
                int y = (int) Math.round(d.box().y1());
                int w = (int) Math.round(d.box().width());
                int h = (int) Math.round(d.box().height());
                g.setColor(colour);
                g.drawRect(x, y, w, h);
                String caption = String.format(Locale.ROOT, "%s %.2f", d.label(), d.score());
                int textY = Math.max(y, metrics.getAscent() + 2);
                g.fillRect(x, textY - metrics.getAscent() - 2, metrics.stringWidth(caption) + 4, metrics.getHeight());
                g.setColor(Color.BLACK);
                g.drawString(caption, x + 2, textY - 2);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(canvas, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
