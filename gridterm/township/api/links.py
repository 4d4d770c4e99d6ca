"""OpenAPI links between operations: what an answer's ids are good for next.

They say, in /openapi.json, that a record id in one answer is the ``record_id`` of the next
request (the staff list → one record → its transition …, a push → the staff's view of what it
stored, a pull → the next page).  Clients may follow them; schemathesis follows them to chain
requests into scenarios (tests/township/test_schemathesis.py), which reach far deeper than
requests made up one by one, whose ids never exist.
"""

from __future__ import annotations

from typing import Any

GET_RECORD = "get_record"
TRANSITION = "transition_record"
FEEDBACK = "give_feedback"
COMMENT = "comment_record"
PULL = "pull"


def _record_links(record_id: str) -> dict[str, Any]:
    """A record's id at ``record_id`` (a runtime expression) opens it, moves it, answers it."""
    return {
        "OpenRecord": {"operationId": GET_RECORD, "parameters": {"record_id": record_id}},
        "MoveRecord": {"operationId": TRANSITION, "parameters": {"record_id": record_id}},
        "GiveFeedback": {"operationId": FEEDBACK, "parameters": {"record_id": record_id}},
        "CommentOnRecord": {"operationId": COMMENT, "parameters": {"record_id": record_id}},
    }


def to_record(record_id: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route whose answer holds a record's id at ``record_id``."""
    return {200: {"description": "Successful Response", "links": _record_links(record_id)}}


def to_next_pull() -> dict[int | str, dict[str, Any]]:
    page = {"operationId": PULL, "parameters": {"cursor": "$response.body#/cursor"}}
    return {200: {"description": "Successful Response", "links": {"NextPage": page}}}
