"""``RecordStore``: what the sync client (and Home's summary) need of a store.

The sync client touches a store only through these methods, so it can be handed the real
:class:`~gridterm.core.store.Store` or a stand-in (the TUI's proxy that runs each call on the
app's thread, a test's fake) and be type-checked against either.  ``Store`` satisfies it
(tests/test_types.py checks that with mypy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

# A record as the store hands it out: the envelope, ``data``, and the device's own keys.
Record = dict[str, Any]


@runtime_checkable
class RecordStore(Protocol):
    # -- records

    def get(self, record_id: str) -> Record | None: ...

    def query(
        self, kind: str | None = None, state: str | None = None, archived: bool = False
    ) -> list[Record]: ...

    def outbox(self) -> list[Record]:
        """Unsent and needs-attention records, oldest first."""
        ...

    def wire(self, rec: Mapping[str, Any]) -> bytes:
        """The exact bytes stored for ``rec``'s current rev."""
        ...

    def mark_synced(self, results: Iterable[Mapping[str, Any]]) -> int:
        """The push's answers ``[{"id","rev","result","error"}]``, in one write."""
        ...

    def apply_updates(self, updates: Iterable[Mapping[str, Any]]) -> int:
        """The service-owned fields the pull brought."""
        ...

    def archive(
        self,
        now: str | None = None,
        before_move: Callable[[list[Record]], Mapping[str, Any]] | None = None,
    ) -> int:
        """Synced, closed records out of the hot file; ``before_move`` adds meta in that write."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """Several saves in one write."""
        ...

    # -- meta (values are any JSON)

    def meta_get(self, key: str, default: Any = None) -> Any: ...

    def meta_set(self, key: str, value: Any) -> None: ...

    def meta_update(self, values: Mapping[str, Any]) -> None: ...

    # -- what the township publishes

    def templates(self) -> list[Record]: ...

    def households(self) -> list[Record]: ...

    def mediators(self) -> list[Record]: ...

    def save_reference(self, kind: str, items: Iterable[Mapping[str, Any]]) -> None: ...
