#!/usr/bin/env python3
"""Writes the image corpus the service tests send (run from this folder; the outputs are committed)."""
import os
import struct
import sys
import zlib

from PIL import Image

# the exporter's photo-like generator, on which the random-weight test models do detect things
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../model-zoo/exporter"))
from export_detectors import synthetic_image


def scene(width, height, seed=7):
    return synthetic_image(width, height, seed)

base = scene(320, 240)
base.save("photo.jpg", quality=90)
base.save("photo.png")
base.save("photo.bmp")
base.save("photo.webp", quality=90)
base.convert("CMYK").save("cmyk.jpg", quality=90)
rgba = base.convert("RGBA")
rgba.putalpha(128)
rgba.save("rgba.png")
base.convert("L").save("gray.png")
# 16-bit grey: PIL writes mode I;16 as a 16-bit PNG
Image.frombytes("I;16", (320, 240), bytes(b for v in base.convert("L").getdata() for b in struct.pack("<H", v * 257))).save("gray16.png")
frames = [base, scene(320, 240, 8)]
frames[0].save("animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
# a portrait photo stored sideways, with EXIF orientation 6 ("rotate 90 clockwise to view")
exif = Image.Exif()
exif[0x0112] = 6
scene(480, 320, 9).save("exif-rotated.jpg", quality=90, exif=exif.tobytes())
with open("photo.jpg", "rb") as f:
    data = f.read()
with open("truncated.jpg", "wb") as f:
    f.write(data[: len(data) // 2])

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)

# a decompression bomb's header: 30000 x 30000 RGB, with one compressed row of data
bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0))
bomb += chunk(b"IDAT", zlib.compress(b"\x00" * (1 + 3 * 30000))) + chunk(b"IEND", b"")
with open("bomb-30000x30000.png", "wb") as f:
    f.write(bomb)

# What PIL decodes each of them to, as plain 8-bit RGB PNGs: the pixels the service's decoder must
# give (ImageDecoderTest), since a Python user of torchvision would feed these.
os.makedirs("decoded", exist_ok=True)
for name in ["photo.jpg", "photo.png", "photo.bmp", "photo.webp", "cmyk.jpg", "rgba.png", "gray.png", "animated.gif"]:
    Image.open(name).convert("RGB").save(os.path.join("decoded", name.replace(".", "-") + ".png"))
# Not PIL's for the 16-bit grey: Pillow 9.4 opens it as mode I and convert("RGB") clips every
# sample over 255, a white page. The decoder keeps the high byte instead, which is the 8-bit grey
# of the same picture: that is the reference.
Image.open("gray.png").convert("RGB").save(os.path.join("decoded", "gray16-png.png"))
