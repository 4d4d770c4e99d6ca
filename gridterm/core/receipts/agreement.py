"""The mediation agreement (人民调解协议书) of a case, as a document to print and sign.

The People's Mediation Law, Art. 29, says what a written agreement holds: the parties' basic
details; the main facts, the matters in dispute and each party's responsibility; the terms,
and the manner and time limit of performance.  It takes effect when every party signs (or
sets a fingerprint) and the mediator signs, under the committee's seal; one copy per party
and one for the committee's archive.  Arts. 31 and 33 (binding; court confirmation within 30
days) are printed beneath, for the parties to read before they sign.

:func:`agreement_for` builds the :class:`Agreement` from a case record, the same on the
officer's device (ESC/POS and text: ``agreement_print``) and on the township service (the A4
page).  The parties are named in full — they sign it — with sex and age read from the ID
number (as the Ministry of Justice's form asks), their phone and address; the ID number
itself is not printed.  A field left empty prints as a line to fill in by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gridterm.core import model
from gridterm.core.errors import GridtermError
from gridterm.core.i18n import t

PRINTABLE_OUTCOMES = ("success", "partial")
ROLES = ("applicant", "respondent", "other")


class AgreementError(GridtermError):
    """A case whose agreement cannot be made yet; the message says what to do."""

    key = "agreement.error.no_agreement"


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SignatureGroup:
    heading: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Agreement:
    """One agreement; every copy is the same text under its own copy line."""

    title: str
    case_no: str
    organisation: str
    sections: tuple[Section, ...]
    signatures: tuple[SignatureGroup, ...]
    committee_seal: str
    sign_line: str  # "{name}：", the rule follows it
    date_line: str
    signed_at: str
    copies: tuple[str, ...]  # one line per copy: each party's, then the archive's

    @property
    def party_names(self) -> tuple[str, ...]:
        return self.signatures[0].names


def has_agreement(record: dict[str, Any]) -> bool:
    """True when the case has an agreement worth printing (terms, or a settled outcome)."""
    data = record.get("data") or {}
    agreement = data.get("agreement") or {}
    return bool(agreement) or data.get("outcome") in PRINTABLE_OUTCOMES


def agreement_for(
    record: dict[str, Any], place: str, lang: str = "zh_CN", today: dt.date | None = None
) -> Agreement:
    """The agreement of the case ``record``; ``place`` names the mediating organisation
    (township and grid).  AgreementError when the case has no agreement yet."""
    data = record.get("data") or {}
    parties = [p for p in data.get("parties") or [] if isinstance(p, dict) and p.get("name")]
    if not parties:
        raise AgreementError("agreement.error.no_parties")
    if not has_agreement(record):
        raise AgreementError("agreement.error.no_agreement")
    terms = data.get("agreement") or {}
    signed = _moment_date(terms.get("signed_at"))
    on = signed or today or dt.date.today()

    def say(key: str, **params: Any) -> str:
        return t(f"agreement.{key}", lang=lang, **params)

    def item(key: str, value: Any) -> str:
        text = " ".join(str(value or "").split())
        return say(f"item.{key}", value=text or say("item.blank"))

    deadline = _date(terms.get("performance_deadline"))
    dispute = model.label("dispute_type", str(data.get("dispute_type") or ""), lang=lang)
    sections = (
        Section(say("section.parties"), tuple(_party_line(p, on, lang) for p in parties)),
        Section(
            say("section.facts"),
            (
                item("dispute_type", dispute),
                item("facts", terms.get("facts") or data.get("summary")),
                item("matters", terms.get("matters")),
            ),
        ),
        Section(
            say("section.responsibilities"),
            (item("responsibilities", terms.get("responsibilities")),),
        ),
        Section(say("section.terms"), (item("terms", terms.get("terms")),)),
        Section(
            say("section.performance"),
            (
                item("performance_manner", terms.get("performance_manner")),
                item("performance_deadline", _date_text(deadline, lang) if deadline else ""),
            ),
        ),
        Section(
            say("section.effect"),
            (
                say("effect.signing"),
                say("effect.binding"),
                say("effect.court"),
                say("effect.copies", count=len(parties) + 1),
            ),
        ),
    )
    names = tuple(str(p["name"]) for p in parties)
    mediators = tuple(_mediator_name(m, lang) for m in data.get("mediators") or [] if m)
    count = len(parties) + 1
    copies = tuple(
        say("copy.party", name=name, n=n, count=count) for n, name in enumerate(names, 1)
    ) + (say("copy.archive", n=count, count=count),)
    return Agreement(
        title=say("title"),
        case_no=str(data.get("case_no") or ""),
        organisation=say("organisation", place=place) if place else "",
        sections=sections,
        signatures=(
            SignatureGroup(say("sign.parties"), names),
            SignatureGroup(say("sign.mediators"), mediators or (say("sign.mediator_blank"),)),
        ),
        committee_seal=say("sign.committee"),
        sign_line=say("sign.line", name="{name}"),
        date_line=say("sign.date"),
        signed_at=say("signed_at", date=_date_text(signed, lang)) if signed else "",
        copies=copies,
    )


def _party_line(party: dict[str, Any], on: dt.date, lang: str) -> str:
    role = party.get("role")
    role_text = t(f"wf.case.role.{role}", lang=lang) if role in ROLES else ""
    details = [str(party.get("name") or "")]
    sex, age = sex_and_age(str(party.get("id_number") or ""), on)
    if sex:
        details.append(t(f"agreement.party.sex.{sex}", lang=lang))
    if age is not None:
        details.append(t("agreement.party.age", lang=lang, years=age))
    if party.get("phone"):
        details.append(t("agreement.party.phone", lang=lang, phone=party["phone"]))
    if party.get("address"):
        details.append(t("agreement.party.address", lang=lang, address=party["address"]))
    return t(
        "agreement.party.line",
        lang=lang,
        role=role_text or t("agreement.party.role", lang=lang),
        details=t("agreement.party.sep", lang=lang).join(details),
    )


def sex_and_age(id_number: str, on: dt.date) -> tuple[str, int | None]:
    """(``"male"``/``"female"``, age in years on ``on``) from an 18-digit resident ID number
    (GB 11643: birth date at 7–14, an odd 17th digit for a man); ("", None) when it is not one."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return "", None
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return "", None
    sex = "male" if int(id_number[16]) % 2 else "female"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return sex, age if 0 <= age < 150 else None


def _mediator_name(mediator: Any, lang: str) -> str:
    if not isinstance(mediator, dict):
        return str(mediator)
    name = str(mediator.get("name") or "")
    standing = mediator.get("standing")
    if not standing:
        return name
    label = model.label("standing", str(standing), lang=lang)
    return f"{name}（{label}）" if lang == "zh_CN" else f"{name} ({label})"


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def _moment_date(value: Any) -> dt.date | None:
    """The calendar day of a stored moment, in the offset it was written with."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        return _date(value)


def _date_text(day: dt.date | None, lang: str) -> str:
    if day is None:
        return ""
    return t("agreement.date", lang=lang, year=day.year, month=day.month, day=day.day)
