"""Pydantic models of the county's part of the staff API (issue 15; docs/county.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gridterm.township.api.schemas_staff import TEXT_MAX, Tier, _In


class TierIn(_In):
    tier: Tier
    reason: str = Field(min_length=1, max_length=TEXT_MAX, description="why (required)")


class SuperviseIn(_In):
    deadline: str = Field(
        min_length=10, max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD"
    )
    note: str | None = Field(default=None, max_length=TEXT_MAX)


class Figures(BaseModel):
    """One township's (or village's) figures; docs/county.md defines each exactly.
    Percentages are 0–100, or null when nothing is there to divide by."""

    received: int
    closed: int
    closed_on_time: int
    closed_on_time_pct: float | None
    overdue_now: int
    settled_in_village: int
    settled_in_village_pct: float | None
    mediation_cases: int
    mediation_settled: int
    mediation_settled_pct: float | None
    follow_ups_due: int
    follow_ups_done: int
    follow_ups_done_pct: float | None
    red_open: int
    supervised_open: int
    escalated_open: int


class TownshipFigures(Figures):
    # Counts other parts add (services/summary_extra.py: unanswered questions, issue 17).
    model_config = ConfigDict(extra="allow")

    township: str
    township_id: str


class VillageFigures(Figures):
    # Counts other parts add (services/summary_extra.py: unanswered questions, issue 17).
    model_config = ConfigDict(extra="allow")

    village: str
    township_id: str | None = Field(default=None, description="null: any township's village")
    township: str | None = None


class SummaryOut(BaseModel):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    generated_at: datetime
    townships: list[TownshipFigures]
    villages: list[VillageFigures] = Field(default_factory=list)


class WeeklyTownship(BaseModel):
    township: str
    township_id: str
    overdue: list[int]
    settled_in_village_pct: list[float | None]


class WeeklyOut(BaseModel):
    weeks: list[str] = Field(description="ISO weeks, oldest first: 2026-W45")
    townships: list[WeeklyTownship]
