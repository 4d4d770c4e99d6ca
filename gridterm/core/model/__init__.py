"""Records: the envelope, the four kinds, validation, masking, vocabulary and due dates.

No I/O beyond reading ``vocab.json`` once (lazily), no UI.  Both the officer's device and the
township service validate with this package, so they agree on what a good record is.

Every problem found becomes a :class:`FieldError` naming the field by its path
(``data.members[0].id_number``); :class:`ValidationError` carries all of them at once, and its
messages name the field by its translated label, in zh_CN or en.

One module a job; this file only gathers their public names:

- ``problems``  FieldError, ValidationError, field labels
- ``times``     ISO 8601 times with an offset, dates, China's time zone
- ``identity``  resident ID numbers (GB 11643) and mobile numbers
- ``masking``   masked names, ID numbers and phones
- ``spec``      the spec language and the four kinds' specs (photos and a place included)
- ``checking``  one value against its spec; ``validate``: a kind's data, one field
- ``records``   the envelope, ``new_record``, ``validate_record``, wire form and bytes
- ``due``       report time limits (working days), visit intervals

``now_iso`` is looked up on this package whenever a record is stamped (``new_record`` and the
store call ``model.now_iso()``), so tests and the screenshot tool set the clock by patching
``gridterm.core.model.now_iso`` alone.
"""

from __future__ import annotations

from gridterm.core.model.due import due_at, household_tags, visit_due, visit_interval
from gridterm.core.model.identity import check_id_number, check_phone, id_check_char
from gridterm.core.model.masking import mask_id, mask_name, mask_phone
from gridterm.core.model.problems import MAX_ERRORS, FieldError, ValidationError, field_label
from gridterm.core.model.records import (
    DEVICE_ONLY,
    ENVELOPE,
    KINDS,
    SERVICE_OWNED,
    canonical_json,
    is_closed,
    new_record,
    validate_record,
    wire_form,
)
from gridterm.core.model.spec import (
    ATTACHMENT,
    ATTACHMENT_BYTES_MAX,
    ATTACHMENT_TYPES,
    ATTACHMENTS,
    ATTACHMENTS_MAX,
    ID_MAX,
    ID_NUMBER,
    KIND_SPECS,
    LINE_MAX,
    LOCATION,
    LOCATION_SOURCES,
    LONG_MAX,
    MEMBER,
    NAME,
    NAME_MAX,
    PARTY,
    PHONE,
    RECEIPT,
    RECORD_MAX,
    SERVICE_SPECS,
    SHORT_MAX,
    TAGS,
    Spec,
)
from gridterm.core.model.times import CHINA_TIME, as_datetime, now_iso, parse_date, parse_datetime
from gridterm.core.model.validate import validate_data, validate_field
from gridterm.core.vocab import codes, label, vocab

__all__ = [
    "ATTACHMENT",
    "ATTACHMENTS",
    "ATTACHMENTS_MAX",
    "ATTACHMENT_BYTES_MAX",
    "ATTACHMENT_TYPES",
    "CHINA_TIME",
    "DEVICE_ONLY",
    "ENVELOPE",
    "ID_MAX",
    "ID_NUMBER",
    "KINDS",
    "KIND_SPECS",
    "LINE_MAX",
    "LOCATION",
    "LOCATION_SOURCES",
    "LONG_MAX",
    "MAX_ERRORS",
    "MEMBER",
    "NAME",
    "NAME_MAX",
    "PARTY",
    "PHONE",
    "RECEIPT",
    "RECORD_MAX",
    "SERVICE_OWNED",
    "SERVICE_SPECS",
    "SHORT_MAX",
    "TAGS",
    "FieldError",
    "Spec",
    "ValidationError",
    "as_datetime",
    "canonical_json",
    "check_id_number",
    "check_phone",
    "codes",
    "due_at",
    "field_label",
    "household_tags",
    "id_check_char",
    "is_closed",
    "label",
    "mask_id",
    "mask_name",
    "mask_phone",
    "new_record",
    "now_iso",
    "parse_date",
    "parse_datetime",
    "validate_data",
    "validate_field",
    "validate_record",
    "visit_due",
    "visit_interval",
    "vocab",
    "wire_form",
]
