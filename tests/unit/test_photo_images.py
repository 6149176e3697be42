"""Uploaded photos: only images are kept, within the size limit, and what is kept carries no EXIF (location,
device) but is turned the way the camera meant it; HEIC (iPhone) photos are read too."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from exohair.features.photos.images import THUMBNAIL_PX, PhotoRefused, prepare_photo

MB = 1_048_576
GPS_IFD, GPS_LATITUDE, MAKE, ORIENTATION = 0x8825, 2, 0x010F, 0x0112


def _photo(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), **exif_tags: object) -> bytes:
    image = Image.new("RGB", size, (180, 120, 90))
    image.paste((20, 20, 20), (0, 0, size[0] // 4, size[1] // 4))  # a dark corner, to see which way is up
    exif = Image.Exif()
    if "gps" in exif_tags:
        exif.get_ifd(GPS_IFD)[GPS_LATITUDE] = (51.0, 30.0, 0.0)
        exif[MAKE] = "PhoneMaker"
    if "orientation" in exif_tags:
        exif[ORIENTATION] = exif_tags["orientation"]
    out = io.BytesIO()
    image.save(out, format=fmt, **({"exif": exif.tobytes()} if exif_tags else {}))
    return out.getvalue()


def test_a_photo_with_gps_exif_is_kept_without_it():
    sent = _photo(gps=True)
    with Image.open(io.BytesIO(sent)) as original:
        assert original.getexif().get_ifd(GPS_IFD), "the test photo does carry a location"
    kept = prepare_photo(sent, max_bytes=15 * MB)
    with Image.open(io.BytesIO(kept.jpeg)) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
        assert (stored.width, stored.height) == (640, 480)
    assert b"PhoneMaker" not in kept.jpeg
    with Image.open(io.BytesIO(kept.thumbnail)) as thumb:
        assert max(thumb.size) == THUMBNAIL_PX


def test_a_photo_is_turned_upright_before_its_exif_is_dropped():
    kept = prepare_photo(_photo(orientation=6), max_bytes=15 * MB)  # 6: the camera was turned 90° clockwise
    assert (kept.width, kept.height) == (480, 640)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7 not a photo at all", "not an image that can be read"),
        (b"", "is empty"),
        (_photo()[:2000], "not an image that can be read"),  # a truncated JPEG
    ],
)
def test_what_is_not_a_readable_image_is_refused(data, expected):
    with pytest.raises(PhotoRefused, match=expected):
        prepare_photo(data, max_bytes=15 * MB)


def test_an_image_of_another_kind_is_refused_by_name():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(PhotoRefused, match="is a GIF; send a JPEG, PNG or HEIC photo"):
        prepare_photo(out.getvalue(), max_bytes=15 * MB)


def test_an_oversized_file_is_refused_before_it_is_read():
    with pytest.raises(PhotoRefused, match="is larger than the 1 MB accepted"):
        prepare_photo(b"\xff" * (2 * MB), max_bytes=MB)


def test_png_and_heic_photos_are_kept_as_jpeg():
    for fmt in ("PNG", "HEIF"):
        kept = prepare_photo(_photo(fmt), max_bytes=15 * MB)
        assert kept.jpeg[:2] == b"\xff\xd8", fmt  # a JPEG
