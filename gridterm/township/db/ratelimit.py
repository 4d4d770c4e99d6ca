"""Rate-limit buckets shared by every service process (one row per limiter and client).

``tokens`` is the bucket's level at ``stamp`` (seconds since the epoch, the clock of the
process that last touched it); the level now is computed from them in the one statement that
spends a token (:mod:`gridterm.township.services.buckets`), so two processes never both
spend the last one.
"""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from gridterm.township.db.base import Base


class RateBucket(Base):
    __tablename__ = "rate_buckets"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    stamp: Mapped[float] = mapped_column(Float)
