"""RAID import and export (CSV and XLSX), all or nothing.

The import reads the portal's own export and the seed's raid.csv layout alike (the columns
overlap; extra columns are optional). Rules, documented in docs/raid-scoring.md:

* Reference: kept as printed when its first letter matches the type (any case: "i191");
  a printed identifier without the type letter is kept in `printed_reference` and the item
  gets "<letter>-<printed>" (STCI11 -> I-STCI11) or, for a bare number, "<letter>-<SOURCE>-<n>"
  (DCC "1" -> R-DCC-1); an item with no identifier gets "<letter>-<SOURCE>-<nn>", nn its
  place among the file's rows from the same source, so a reload finds the same item.
* Type: as given; else from the reference's letter (R0920 -> risk); else from the wording
  ("There is an issue ..."); else risk (a "Risk or Issue" row that does not say which is
  logged as a risk, which PMO can convert once it materialises).
* Classification: empty means Restricted (the safe default: nothing is published by accident).
* Scores: likelihood and impact give the score through the matrix; a score alone, or a band
  alone, is accepted and recorded as given directly. "Medium/High" takes the higher band;
  printed RAG letters map R -> High, A -> Medium, G -> Low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone

from portal.history import mark_change
from portal.importing import ImportRejected, Row, RowProblem, collect, write_csv, write_xlsx
from portal.models import Organisation, User
from raid.models import (
    PREFIX_TYPE,
    Band,
    Classification,
    RaidItem,
    RaidType,
    Status,
)
from raid.scoring import BAND_ORDER, ScoringConfig
from raid.services import (
    StepSpec,
    apply_score,
    generated_reference,
    mitigation_steps_replace,
    raid_item_close,
    raid_item_create,
    raid_item_rescore,
    raid_item_update,
    theme_get_or_create,
)

COLUMNS = [
    "ref",
    "printed_ref",
    "type",
    "title",
    "description",
    "theme",
    "status",
    "closure_reason",
    "classification",
    "likelihood",
    "impact",
    "current_score",
    "score_band",
    "score_given_directly",
    "initial_score",
    "target_score",
    "mitigation",
    "owner",
    "raised_by",
    "due_or_target",
    "milestones",
    "converted_to",
    "source",
]
REQUIRED = ["ref", "type", "description"]
STEP_SEPARATOR = " | "
TITLE_LENGTH = 120

RAG_BANDS = {"r": Band.HIGH, "a": Band.MEDIUM, "g": Band.LOW}
SOURCE_STOPWORDS = {"PSG", "MHHS", "THE", "CORE"}
STEP_NUMBER = re.compile(r"^\s*(?:\d+[.)]|[-–‒•])\s*")
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def source_code(source: str) -> str:
    """A short code for the source a row came from: 'Core capability provider report – DCC –
    ...' -> DCC, 'LDSO Delivery Updates – ...' -> LDSO."""
    parts = [p.strip() for p in source.split(" – ")]
    name = parts[0] if parts else ""
    if name.lower().startswith("core capability provider report") and len(parts) > 1:
        name = parts[1]
    for word in re.findall(r"[A-Za-z0-9]+", name):
        if word.upper() not in SOURCE_STOPWORDS:
            return word.upper()[:14]
    return "SRC"


def infer_type(printed_ref: str, description: str) -> str:
    letter = printed_ref[:1].upper()
    if letter in PREFIX_TYPE and printed_ref[1:2].isdigit():
        return PREFIX_TYPE[letter]
    match = re.search(r"\bthere is an? (risk|issue|assumption|dependency)\b", description, re.I)
    if match:
        return match.group(1).lower()
    return RaidType.RISK


def resolve_reference(printed: str, type_: str, code: str, ordinal: int) -> tuple[str, str]:
    """(reference, printed_reference) following the module's rules."""
    prefix = {v: k for k, v in PREFIX_TYPE.items()}[type_]
    if printed and printed[:1].upper() == prefix:
        return printed, ""
    if printed:
        if printed[:1].isalpha():
            return f"{prefix}-{printed}", printed
        return generated_reference(type_, code, printed), printed
    return generated_reference(type_, code, f"{ordinal:02d}"), ""


def parse_band(text: str) -> str:
    """A band from printed text: a band name, 'Medium/High' (the higher), or a RAG letter."""
    value = text.strip().lower()
    if not value:
        return ""
    if value in RAG_BANDS:
        return RAG_BANDS[value]
    named = [b for b in BAND_ORDER if b in re.split(r"[/ ,]+", value)]
    return named[0] if named else "?"


def parse_steps(text: str) -> list[str]:
    steps = []
    for piece in text.split(STEP_SEPARATOR) if text.strip() else []:
        cleaned = STEP_NUMBER.sub("", piece, count=1).strip()
        if cleaned:
            steps.append(cleaned)
    return steps


def title_from(description: str) -> str:
    first = re.split(r"(?<=[.!?])\s", description.strip(), maxsplit=1)[0]
    if len(first) <= TITLE_LENGTH:
        return first
    return first[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


@dataclass
class ParsedItem:
    line: int
    file: str
    reference: str
    printed_reference: str
    type: str
    title: str
    description: str
    theme: str
    status: str
    closure_reason: str
    classification: str
    likelihood: int | None
    impact: int | None
    current_score: int | None
    stated_band: str
    stated_band_text: str
    initial_score: int | None
    target_score: int | None
    steps: list[str]
    owner: str
    raised_by: str
    proximity_date: date | None
    due_text: str
    milestones: list[str]
    converted_to: str
    source: str
    movement_text: str = ""
    extra: dict = field(default_factory=dict)

    def problem(self, column: str, message: str) -> RowProblem:
        return RowProblem(self.file, self.line, column, message)


def parse_rows(rows, config: ScoringConfig) -> list[ParsedItem]:
    """Every row checked on its own (types, ranges, score against matrix); raises
    ImportRejected with all problems."""
    rows = list(rows)
    ordinals: dict[str, int] = {}

    def parse(row: Row) -> ParsedItem:
        source = row.text("source", max_length=2000)
        code = source_code(source)
        ordinals[code] = ordinals.get(code, 0) + 1
        printed = row.text("ref", max_length=24)
        description = row.text("description", required=True)
        type_ = row.choice("type", RaidType) or (
            infer_type(printed, description) if not row.text("type") else None
        )
        reference, printed_reference = (
            resolve_reference(printed, type_, code, ordinals[code]) if type_ else ("", "")
        )
        likelihood = row.integer("likelihood", minimum=1, maximum=10)
        impact = row.integer("impact", minimum=1, maximum=10)
        score = row.integer("current_score", minimum=1, maximum=30)
        band_text = row.text("score_band", max_length=40)
        band = parse_band(band_text)
        if band == "?":
            row.problem("score_band", f"'{band_text}' is not Critical, High, Medium or Low")
            band = ""
        if (likelihood is None) != (impact is None):
            row.problem("impact", "give both likelihood and impact, or neither")
        elif likelihood is not None:
            try:
                computed = config.score(likelihood, impact)
            except ValueError as exc:
                row.problem("likelihood", str(exc))
            else:
                if score is not None and score != computed:
                    row.problem(
                        "current_score",
                        f"{score} differs from the matrix's {computed} for likelihood "
                        f"{likelihood} and impact {impact}",
                    )
                score = computed
        if score is not None and band and config.band(score) != band:
            row.problem("score_band", f"a score of {score} is {config.band(score)}, not {band}")
        status = row.choice("status", Status) or Status.OPEN
        closure_reason = row.text("closure_reason")
        if status == Status.CLOSED and not closure_reason:
            row.problem("closure_reason", "a closed item needs a closure reason")
        converted_to = row.text("converted_to", max_length=30)
        if status == Status.CONVERTED and not converted_to:
            row.problem("converted_to", "a converted item names the item it became")
        due_text = row.text("due_or_target", max_length=200)
        proximity = None
        if match := ISO_DATE.search(due_text):
            try:
                proximity = date.fromisoformat(match.group(1))
            except ValueError:
                row.problem("due_or_target", f"'{match.group(1)}' is not a real date")
        # Of "(2024-07-12) 2024-09-27" the last date is the live target.
        dates = ISO_DATE.findall(due_text)
        if len(dates) > 1:
            try:
                proximity = date.fromisoformat(dates[-1])
            except ValueError:
                row.problem("due_or_target", f"'{dates[-1]}' is not a real date")
        title = row.text("title", max_length=300) or title_from(description)
        return ParsedItem(
            line=row.line,
            file=row.file,
            reference=reference,
            printed_reference=printed_reference or row.text("printed_ref", max_length=30),
            type=type_ or "",
            title=title,
            description=description,
            theme=row.text("theme", max_length=200),
            status=status,
            closure_reason=closure_reason,
            classification=row.choice("classification", Classification)
            or Classification.RESTRICTED,
            likelihood=likelihood,
            impact=impact,
            current_score=score,
            stated_band="" if score is not None else band,
            stated_band_text=band_text if score is None else "",
            initial_score=row.integer("initial_score", minimum=1, maximum=30),
            target_score=row.integer("target_score", minimum=1, maximum=30),
            steps=parse_steps(row.text("mitigation")),
            owner=row.text("owner", max_length=200),
            raised_by=row.text("raised_by", max_length=200),
            proximity_date=proximity,
            due_text=due_text,
            milestones=[m.strip() for m in row.text("milestones").split(";") if m.strip()],
            converted_to=converted_to,
            source=source,
            movement_text=row.text("movement_text"),
        )

    parsed = collect(rows, parse)
    seen: dict[str, ParsedItem] = {}
    problems = []
    for item in parsed:
        key = item.reference.upper()
        if key in seen:
            problems.append(
                item.problem("ref", f"{item.reference} is also on line {seen[key].line}")
            )
        seen[key] = item
    if problems:
        raise ImportRejected(problems)
    return parsed


# Applying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportDating:
    """When states held, for a loader replaying a report: `before` is a moment before the
    last PSG, `now` the report's moment. Without it everything is recorded as of now."""

    before: datetime | None
    now: datetime | None


MOVED = re.compile(r"score (?:reduced|increased) from (\d+) to (\d+)", re.I)
NEW_MARKERS = {"new item", "new"}


def earlier_score(item: ParsedItem) -> tuple[bool | None, int | None]:
    """(existed at the last PSG, score then) as the source's movement text states it.

    Without a movement text nothing is known of the item before the import: (None, None).
    """
    text = item.movement_text.strip()
    if not text:
        return None, None
    if text.lower() in NEW_MARKERS:
        return False, None
    if match := MOVED.search(text):
        return True, int(match.group(1))
    return True, item.current_score


class _Lookups:
    """Owners, themes and milestones resolved with a bounded number of queries."""

    def __init__(self, parsed: list[ParsedItem]):
        from milestones.models import Milestone

        names = {p.owner.lower() for p in parsed if p.owner} | {
            p.raised_by.lower() for p in parsed if p.raised_by
        }
        self.organisations = {
            o.name.lower(): o
            for o in Organisation.objects.annotate(u=Upper("name")).filter(
                u__in=[n.upper() for n in names]
            )
        }
        self.people = {}
        for person in (
            User.objects.filter(is_active=True)
            .annotate(u=Upper("full_name"))
            .filter(u__in=[n.upper() for n in names])
        ):
            self.people[person.full_name.lower()] = person
        for person in User.objects.annotate(u=Upper("email")).filter(
            u__in=[n.upper() for n in names]
        ):
            self.people[person.email.lower()] = person
        wanted = {ref for p in parsed for ref in p.milestones}
        self.milestones = {m.reference: m for m in Milestone.objects.filter(reference__in=wanted)}

    def owner(self, text: str) -> dict:
        key = text.lower()
        if key in self.people:
            return {"owner_person": self.people[key], "owner_organisation": None, "owner_text": ""}
        if key in self.organisations:
            return {
                "owner_person": None,
                "owner_organisation": self.organisations[key],
                "owner_text": "",
            }
        return {"owner_person": None, "owner_organisation": None, "owner_text": text}

    def raised_by(self, text: str) -> dict:
        person = self.people.get(text.lower())
        return {"raised_by": person, "raised_by_text": "" if person else text}


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "message_dict"):
        return [(field, msg) for field, msgs in error.message_dict.items() for msg in msgs]
    return [("", msg) for msg in error.messages]


@transaction.atomic
def import_items(
    parsed: list[ParsedItem],
    *,
    actor=None,
    config: ScoringConfig,
    dating: ImportDating | None = None,
    reason: str = "Imported",
) -> dict[str, int]:
    """Create or update every parsed item; any problem rejects the whole file."""
    lookups = _Lookups(parsed)
    existing = {
        item.reference.upper(): item
        for item in RaidItem.objects.annotate(u=Upper("reference")).filter(
            u__in=[p.reference.upper() for p in parsed]
        )
    }
    problems: list[RowProblem] = []
    summary = {"created": 0, "updated": 0, "unchanged": 0}
    conversions = []
    for p in parsed:
        unknown = [ref for ref in p.milestones if ref not in lookups.milestones]
        if unknown:
            problems.append(p.problem("milestones", f"no milestone {', '.join(unknown)}"))
            continue
        milestones = [lookups.milestones[ref] for ref in p.milestones]
        try:
            with transaction.atomic():
                outcome = _apply_one(
                    p,
                    existing.get(p.reference.upper()),
                    lookups,
                    milestones,
                    actor=actor,
                    config=config,
                    dating=dating,
                    reason=reason,
                )
        except ValidationError as exc:
            problems.extend(p.problem(field, message) for field, message in _messages(exc))
            continue
        summary[outcome] += 1
        if p.converted_to:
            conversions.append(p)
    for p in conversions:
        problems.extend(_link_conversion(p, actor=actor, reason=reason))
    if problems:
        raise ImportRejected(problems)
    return summary


def _theme(p: ParsedItem, actor):
    return theme_get_or_create(actor=actor, name=p.theme) if p.theme else None


def _step_specs(p: ParsedItem) -> list[StepSpec]:
    return [StepSpec(text=text) for text in p.steps]


def _apply_one(p, item, lookups, milestones, *, actor, config, dating, reason) -> str:
    fields = {
        "title": p.title,
        "description": p.description,
        "theme": _theme(p, actor),
        "classification": p.classification,
        "proximity_date": p.proximity_date,
        "due_text": p.due_text,
        "source": p.source,
        "type": p.type,
        "printed_reference": p.printed_reference,
        **lookups.owner(p.owner),
        **lookups.raised_by(p.raised_by),
    }
    if item is None:
        existed, before_score = earlier_score(p)
        first_moment = None
        if dating is not None:
            first_moment = dating.before if existed else dating.now
        # An item imported without its history is recorded from the import on: its movement
        # before then is unknown, which is not the same as new.
        recorded_from = None
        if existed is None:
            moment = (dating.now if dating else None) or timezone.now()
            recorded_from = timezone.localdate(moment)
            before_score = p.current_score
        rescore_later = bool(existed) and before_score != p.current_score and dating is not None
        created = raid_item_create(
            actor=actor,
            reference=p.reference,
            status=Status.OPEN if p.status == Status.CONVERTED else p.status,
            closure_reason=p.closure_reason,
            likelihood=None if rescore_later else p.likelihood,
            impact=None if rescore_later else p.impact,
            current_score=before_score if rescore_later else p.current_score,
            stated_band=p.stated_band,
            stated_band_text=p.stated_band_text,
            initial_score=p.initial_score,
            target_score=p.target_score,
            milestones=milestones,
            steps=_step_specs(p),
            reason=reason,
            history_date=first_moment,
            recorded_from=recorded_from,
            initial_from_current=False,
            config=config,
            **fields,
        )
        if rescore_later:
            raid_item_rescore(
                actor=actor,
                item=created,
                expected_version=None,
                likelihood=p.likelihood,
                impact=p.impact,
                score=None if p.likelihood is not None else p.current_score,
                stated_band=p.stated_band,
                reason=f"{reason}: re-scored since the last PSG",
                history_date=dating.now,
                config=config,
            )
        return "created"

    changed = False
    probe = RaidItem(
        likelihood=item.likelihood, impact=item.impact, current_score=item.current_score
    )
    apply_score(
        probe,
        config,
        likelihood=p.likelihood,
        impact=p.impact,
        score=None if p.likelihood is not None else p.current_score,
        stated_band=p.stated_band,
    )
    score_fields = ("likelihood", "impact", "current_score", "stated_band")
    if any(getattr(probe, f) != getattr(item, f) for f in score_fields) or (
        p.target_score is not None and p.target_score != item.target_score
    ):
        raid_item_rescore(
            actor=actor,
            item=item,
            expected_version=None,
            likelihood=p.likelihood,
            impact=p.impact,
            score=None if p.likelihood is not None else p.current_score,
            stated_band=p.stated_band,
            target_score=p.target_score,
            reason=reason,
            config=config,
        )
        changed = True
    fields["stated_band_text"] = p.stated_band_text
    different = {k: v for k, v in fields.items() if getattr(item, k) != v}
    if different or set(item.milestones.all()) != set(milestones):
        raid_item_update(
            actor=actor,
            item=item,
            expected_version=None,
            reason=reason,
            milestones=milestones,
            **different,
        )
        changed = True
    if p.status == Status.CLOSED and item.status == Status.OPEN:
        raid_item_close(
            actor=actor, item=item, expected_version=None, closure_reason=p.closure_reason
        )
        changed = True
    if mitigation_steps_replace(actor=actor, item=item, specs=_step_specs(p), reason=reason):
        changed = True
    return "updated" if changed else "unchanged"


def _link_conversion(p: ParsedItem, *, actor, reason) -> list[RowProblem]:
    source = RaidItem.objects.annotate(u=Upper("reference")).get(u=p.reference.upper())
    target = (
        RaidItem.objects.annotate(u=Upper("reference")).filter(u=p.converted_to.upper()).first()
    )
    if target is None:
        return [p.problem("converted_to", f"no item {p.converted_to}")]
    if source.converted_to_id == target.pk and source.status == Status.CONVERTED:
        return []
    source.converted_to = target
    source.status = Status.CONVERTED
    if not source.closure_reason:
        source.closure_reason = f"Materialised as {target.reference}"
    try:
        source.full_clean()
    except ValidationError as exc:
        return [p.problem(field, message) for field, message in _messages(exc)]
    mark_change(source, actor=actor, reason=reason)
    source.save()
    return []


# Export ----------------------------------------------------------------------------------


def export_rows(items, config: ScoringConfig):
    for item in items:
        band = (
            config.band(item.current_score) if item.current_score is not None else item.stated_band
        )
        yield [
            item.reference,
            item.printed_reference,
            item.type,
            item.title,
            item.description,
            item.theme.name if item.theme_id else "",
            item.status,
            item.closure_reason,
            item.classification,
            item.likelihood,
            item.impact,
            item.current_score,
            # An unscored item keeps the band as the source printed it (e.g. "Medium/High").
            (item.stated_band_text if item.current_score is None else "")
            or {b.value: b.label for b in Band}.get(band or "", ""),
            "yes" if item.score_given_directly else "no",
            item.initial_score,
            item.target_score,
            STEP_SEPARATOR.join(f"{s.position}. {s.text}" for s in item.steps.all()),
            item.owner_display,
            str(item.raised_by) if item.raised_by_id else item.raised_by_text,
            item.due_text or (item.proximity_date.isoformat() if item.proximity_date else ""),
            "; ".join(m.reference for m in item.milestones.all()),
            item.converted_to.reference if item.converted_to_id else "",
            item.source,
        ]


def export_file(items, config: ScoringConfig, *, fmt: str) -> bytes:
    rows = export_rows(items, config)
    if fmt == "xlsx":
        return write_xlsx(COLUMNS, rows, title="RAID log")
    return write_csv(COLUMNS, rows)
