"""Photos on the officer's device (issue 16): kept by content, shrunk, attached, queued.

No Textual, no HTTP here (the upload is ``gridterm.client.upload``).  One module a job:

- ``content``   the content store in the data folder: ``attachments/objects/ab/<sha256>``,
                what waits for the service (``pending/``) and what it confirmed (``sent/``)
- ``prepare``   a photo made ready to travel: Pillow, else ImageMagick's command, else as
                it is (metadata stripped whichever way); refusals with a clear message
- ``pillow``, ``magick``   the two ways to shrink; ``imagefile``: a file's type by its
                magic bytes and its metadata stripped without a library; ``exif``: when and
                where a photo was taken, read without Pillow
- ``attach``    attaching to a record, taking a photo off before it is sent
- ``queue``     the photos' part of the outbox: waiting, bytes left, needs attention
- ``settings``  keep N days after the service confirmed; whether a photo's place may travel
- ``termux``    the phone's camera and position through Termux:API, when present

docs/evidence.md says how it fits with the service's half.
"""

from __future__ import annotations

from gridterm.core.attachments.attach import (
    Attached,
    add_file,
    add_photo,
    attach_files,
    claim,
    contents_of,
    photos_of,
    removable,
    with_photos,
    without,
)
from gridterm.core.attachments.content import Contents, Pending, sha256_of
from gridterm.core.attachments.prepare import (
    PhotoRefused,
    Prepared,
    megabytes,
    method,
    prepare_photo,
)
from gridterm.core.attachments.queue import PhotoProblem, PhotoQueue, photo_queue
from gridterm.core.attachments.settings import PhotoSettings, photo_settings, save_photo_settings

__all__ = [
    "Attached",
    "Contents",
    "Pending",
    "PhotoProblem",
    "PhotoQueue",
    "PhotoRefused",
    "PhotoSettings",
    "Prepared",
    "add_file",
    "add_photo",
    "attach_files",
    "claim",
    "contents_of",
    "megabytes",
    "method",
    "photo_queue",
    "photo_settings",
    "photos_of",
    "prepare_photo",
    "removable",
    "save_photo_settings",
    "sha256_of",
    "with_photos",
    "without",
]
