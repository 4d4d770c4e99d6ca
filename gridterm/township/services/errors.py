"""What a service refuses, as typed errors that know nothing of HTTP.

Each error has a ``code`` (the slug a client sees in ``{"detail", "code"}``) and a catalog key
for its sentence, in the caller's language.  The API layer decides which status answers
which error (``gridterm.township.api.errors``); the admin CLI prints them as any other
:class:`~gridterm.core.errors.GridtermError`.
"""

from __future__ import annotations

from gridterm.core import workflow
from gridterm.core.errors import GridtermError
from gridterm.core.i18n import get_language, t


class ServiceError(GridtermError):
    """A request the service will not carry out; nothing was changed."""

    code = "invalid_request"


class InvalidInput(ServiceError):
    """A value the caller sent cannot be used (a date that is not one, control characters)."""

    code = "invalid_request"


class NotFound(ServiceError):
    """No such thing — or one in another township, which must look the same."""

    code = "not_found"


class BadCursor(ServiceError):
    """A paging cursor this service never gave out."""

    code = "bad_cursor"


class Busy(ServiceError):
    """Another writer held the same rows; the database gave up on this transaction."""

    code = "busy"
    key = "staff.busy"


class CursorExpired(ServiceError):
    """A pull cursor below the retention floor or past the newest change."""

    code = "cursor_expired"
    key = "service.error.cursor_expired"


class IdempotencyKeyReused(ServiceError):
    """The same Idempotency-Key with a different body."""

    code = "idempotency_key_reused"
    key = "service.error.idempotency_key_reused"


class EnrollmentRefused(ServiceError):
    """An enrollment code that is not valid, already used or expired (``code`` says which)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"service.error.{code}")
        self.code = code


class TokenRefused(ServiceError):
    """A bearer token that names no one (``token_invalid``) or someone revoked."""

    def __init__(self, code: str, key: str | None = None) -> None:
        super().__init__(key or f"service.error.{code}")
        self.code = code


class Forbidden(ServiceError):
    """The caller's role may not do this at all (a township's staff supervising, say)."""

    code = "forbidden"


class Refused(ServiceError):
    """A change the record's state does not allow now; ``code`` says which rule refused it
    (``wrong_level``: the other level owns the record; ``no_county``: the township belongs to
    no county; ``not_open``: the record is closed)."""

    def __init__(self, code: str, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.code = code


class TransitionRefused(ServiceError):
    """A workflow change :mod:`gridterm.core.workflow` does not allow; ``code`` is the
    workflow's (``invalid_transition``, ``reason_required``, ``unknown_status``)."""

    def __init__(self, error: workflow.TransitionError) -> None:
        super().__init__(f"staff.{error.code}")
        self.code = error.code
        self.from_status = error.from_status
        self.to_status = error.to_status

    def message(self, lang: str | None = None) -> str:
        # The state labels are in the reader's language, so they are made here, not at raise.
        short = "zh" if (lang or get_language()).startswith("zh") else "en"
        return t(
            self.key,
            lang=lang,
            from_status=self.from_status,
            to_status=self.to_status,
            from_label=workflow.label(self.from_status, short),
            to_label=workflow.label(self.to_status, short),
            allowed=", ".join(workflow.allowed(self.from_status)) or "-",
        )


class AttachmentRefused(ServiceError):
    """An upload the service will not take (issue 16): ``code`` says why —
    ``offset_mismatch`` (``received`` is what the service holds), ``hash_mismatch``,
    ``not_an_image``, ``too_large``, ``chunk_too_large``, ``bad_content_range``,
    ``quota_exceeded``."""

    def __init__(self, code: str, *, received: int | None = None, **params: object) -> None:
        if received is not None:
            params["received"] = received
        super().__init__(f"evidence_service.error.{code}", **params)
        self.code = code
        self.received = received


class NoticeRefused(ServiceError):
    """A village notice that cannot be published as it stands; the message says why."""

    code = "notice_refused"


class RevMoved(ServiceError):
    """Staff acted on a rev they read, and the officer has sent a newer one since."""

    code = "rev_moved"
    key = "board.refuse.rev_moved"


class QuestionRefused(ServiceError):
    """A resident's question, or staff's answer to one, that cannot be taken; ``code`` says
    which (``text_empty``, ``text_too_long``, ``phone_required``, ``too_many``,
    ``already_handled`` …)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"board.question.{code}", **params)
        self.code = code


class CountersignRefused(ServiceError):
    """A supervision committee member's countersignature that cannot be taken."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"board.countersign.{code}", **params)
        self.code = code
