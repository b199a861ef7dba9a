"""Planned engagement: the forward look of meetings and engagement events after the meeting.

Params (all optional): `weeks` (1 to 12, default 4), `from` (YYYY-MM-DD; default the pack's
reporting date; either way the look starts on that week's Monday) and `note` (a closing line
printed under the look, e.g. how engagement continues beyond the events shown).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, parse_date

PARAMS = ("weeks", "from", "note")
NOTE_MAX = 300


def _weeks(params: dict) -> int:
    from meetings.forward_look import DEFAULT_WEEKS, MAX_WEEKS, check_weeks

    if "weeks" not in params:
        return DEFAULT_WEEKS
    try:
        return check_weeks(int(params["weeks"]))
    except (TypeError, ValueError) as exc:
        message = f"weeks must be a whole number from 1 to {MAX_WEEKS}, not {params['weeks']!r}"
        raise ValidationError({"params": message}) from exc


def _validate(params: dict) -> None:
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise ValidationError(
            {
                "params": f"{', '.join(unknown)}: not a parameter of the forward look "
                f"(it takes {', '.join(PARAMS)})"
            }
        )
    _weeks(params)
    parse_date(params, "from")
    note = params.get("note", "")
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise ValidationError({"params": f"note must be text of at most {NOTE_MAX} characters"})


def _engagement(section: Section, ctx: PackContext) -> dict:
    from meetings.selectors import forward_look

    start = parse_date(section.params, "from") or ctx.reporting_date
    return {
        "look": forward_look(start=start, weeks=_weeks(section.params)),
        "note": section.params.get("note", ""),
    }


register(
    SectionRenderer(
        "engagement",
        T + "engagement.html",
        _engagement,
        available=lambda: sources.template_exists("meetings/_forward_look.html"),
        validate=_validate,
    )
)
