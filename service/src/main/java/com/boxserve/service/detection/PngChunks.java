package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The chunk walk libpng makes and ImageIO's PNG reader skips: every critical chunk (IHDR, PLTE,
 * IDAT, IEND: an upper-case first letter) must pass its CRC, and no chunk may run past the end
 * of the file. ImageIO decodes a file whose IHDR fails its CRC as if nothing were wrong, and
 * then the answer is detections on an image that PIL and libpng refuse as damaged. Ancillary
 * chunks (text, colour profiles) with bad CRCs are skipped by libpng with a warning, so they pass here.
 */
final class PngChunks {

    private static final int SIGNATURE = 8;

    private PngChunks() {
    }

    /** Throws {@link ServiceFailure} naming the first damaged chunk; the signature is the caller's to have checked. */
    static void verify(byte[] png) {
        ByteBuffer file = ByteBuffer.wrap(png);
        int at = SIGNATURE;
        CRC32 crc = new CRC32();
        while (true) {
            if (png.length - at < 12) {
                throw damaged("it ends inside a chunk header, before IEND");
            }
            long length = Integer.toUnsignedLong(file.getInt(at));
            String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > png.length - at - 12L) {
                throw damaged("its " + type + " chunk declares " + length + " bytes, more than the file holds");
            }
            boolean critical = (png[at + 4] & 0x20) == 0;
            if (critical) {
                crc.reset();
                crc.update(png, at + 4, 4 + (int) length);
                if ((int) crc.getValue() != file.getInt(at + 8 + (int) length)) {
                    throw damaged("its " + type + " chunk fails its CRC");
                }
            }
            if (type.equals("IEND")) {
                return;
            }
            at += 12 + (int) length;
        }
    }

    private static ServiceFailure damaged(String why) {
        return ImageDecoder.unsupported("the png image is damaged: " + why);
    }
}
