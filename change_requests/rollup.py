"""The impact-assessment roll-up: a pure function of invitations and responses.

"No reply" means invited and not submitted (a draft is not a reply). A PMO reclassification
(`counted_as`) replaces the party's own recommendation in the counts and always carries its
reason, which the summary lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Invited:
    organisation_id: int
    constituency: str
    constituency_position: int = 0


@dataclass(frozen=True)
class Answer:
    organisation_id: int
    submitted: bool
    recommendation: str  # "yes" / "no" / "abstain" ("" for an empty draft)
    counted_as: str = ""


@dataclass
class RollupRow:
    constituency: str
    yes: int = 0
    no: int = 0
    abstain: int = 0
    no_reply: int = 0

    @property
    def invited(self) -> int:
        return self.yes + self.no + self.abstain + self.no_reply

    @property
    def submitted(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def response_rate(self) -> float:
        """Share of invited parties that submitted, 0 to 1 (0 when nobody was invited)."""
        return self.submitted / self.invited if self.invited else 0.0

    @property
    def response_percent(self) -> int:
        return round(100 * self.response_rate)


@dataclass
class Rollup:
    rows: list[RollupRow] = field(default_factory=list)
    total: RollupRow = field(default_factory=lambda: RollupRow("Totals"))


def compute_rollup(invited: Iterable[Invited], answers: Iterable[Answer]) -> Rollup:
    """Counts per constituency (in constituency order) and in total."""
    by_org = {a.organisation_id: a for a in answers}
    rows: dict[str, RollupRow] = {}
    order: dict[str, tuple[int, str]] = {}
    total = RollupRow("Totals")
    for invitation in invited:
        row = rows.get(invitation.constituency)
        if row is None:
            row = rows[invitation.constituency] = RollupRow(invitation.constituency)
            order[invitation.constituency] = (
                invitation.constituency_position,
                invitation.constituency,
            )
        answer = by_org.get(invitation.organisation_id)
        counted = (answer.counted_as or answer.recommendation) if answer else ""
        if answer is None or not answer.submitted or counted not in ("yes", "no", "abstain"):
            bucket = "no_reply"
        else:
            bucket = counted
        setattr(row, bucket, getattr(row, bucket) + 1)
        setattr(total, bucket, getattr(total, bucket) + 1)
    ordered = sorted(rows.values(), key=lambda r: order[r.constituency])
    return Rollup(ordered, total)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def headline(total: RollupRow) -> str:
    """The computed first line of the pack's headlines, e.g. 'Overall: 22 respondents ...'."""
    return (
        f"Overall: {_plural(total.yes, 'respondent')} supported the change; "
        f"{_plural(total.no, 'respondent')} rejected the change; and "
        f"{_plural(total.abstain, 'respondent')} abstained."
    )
