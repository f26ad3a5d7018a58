"""What a cover image is, read from its header: PNG or JPEG, width, height, bits per pixel."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour type -> samples per pixel
_PNG_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# JPEG start-of-frame markers (all but DHT C4, JPG C8 and DAC CC)
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class NotAnImage(ValueError):
    """The bytes are not a PNG or JPEG image whose size can be read: the message says why."""


@dataclass(frozen=True)
class ImageInfo:
    mime: str  # image/png or image/jpeg
    width: int
    height: int
    depth: int  # bits per pixel


def image_info(data: bytes) -> ImageInfo:
    """The kind and size of a PNG or JPEG image. Raises NotAnImage for anything else."""
    if data.startswith(_PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    raise NotAnImage("not a PNG or JPEG image")


def _png(data: bytes) -> ImageInfo:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise NotAnImage("a PNG file without its header (IHDR): the file is damaged")
    width, height, bits, colour = struct.unpack(">IIBB", data[16:26])
    if not width or not height or colour not in _PNG_SAMPLES:
        raise NotAnImage("a PNG file with an impossible header: the file is damaged")
    return ImageInfo("image/png", width, height, bits * _PNG_SAMPLES[colour])


def _jpeg(data: bytes) -> ImageInfo:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length follows
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_FRAMES:
            if position + 10 > len(data):
                break
            bits, height, width, components = struct.unpack(
                ">BHHB", data[position + 4 : position + 10]
            )
            if not width or not height:
                break
            return ImageInfo("image/jpeg", width, height, bits * components)
        if marker == 0xDA or length < 2:  # image data begins before any frame header
            break
        position += 2 + length
    raise NotAnImage("a JPEG file whose size cannot be read: the file is damaged")
