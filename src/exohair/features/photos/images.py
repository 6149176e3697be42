"""Making an uploaded file into a photo the clinic may keep: it must be a JPEG, PNG or HEIC image within the size
limit; it is re-encoded from its pixels alone, so EXIF (GPS location, device, owner) and every other metadata
block are dropped; it is turned upright first (the EXIF orientation is the one tag worth keeping the effect of);
a thumbnail is made for lists and comparisons."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from exohair.domain.errors import InvalidInput

register_heif_opener()  # lets Pillow open HEIC/HEIF, the format iPhones take photos in

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "HEIF": "HEIC"}
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; a decompression bomb does not
THUMBNAIL_PX = 320
JPEG_QUALITY = 90


class PhotoRefused(InvalidInput):
    code = "photo_refused"


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    jpeg: bytes  # the photo as kept: upright, pixels only, no metadata
    thumbnail: bytes  # JPEG, at most THUMBNAIL_PX on its longer side
    width: int
    height: int


def prepare_photo(data: bytes, *, max_bytes: int, name: str = "the file") -> PreparedPhoto:
    if len(data) > max_bytes:
        # Uploads are read up to the limit and one byte more, so the true size is not known here: say the limit.
        raise PhotoRefused(
            f"{name} is larger than the {max_bytes / 1_048_576:g} MB accepted; send a smaller photo.",
            code="photo_too_large",
        )
    if not data:
        raise PhotoRefused(f"{name} is empty.", code="photo_empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                probe.verify()  # a truncated or corrupt file fails here, before its pixels are decoded
            if kind not in ACCEPTED_FORMATS:
                raise PhotoRefused(f"{name} is a {kind or 'file of unknown kind'}; send a JPEG, PNG or HEIC photo.")
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoRefused(f"{name} has {image.width}×{image.height} pixels; that is too many.")
                upright = ImageOps.exif_transpose(image).convert("RGB")
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise PhotoRefused(f"{name} is not an image that can be read; send a JPEG, PNG or HEIC photo.") from None
    return PreparedPhoto(_jpeg(upright), _jpeg(_thumbnail(upright)), upright.width, upright.height)


def _thumbnail(image: Image.Image) -> Image.Image:
    small = image.copy()
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    return small


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes only what it is given, so the new file carries pixels alone.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
