"""Scalp photos: checked to be images, stripped of EXIF, stored by content hash behind a storage interface,
shown only while the patient's photo consent stands."""
