"""A scaled programme for the dashboard: milestones with weekly snapshots, RAID items with
history, change requests with invitations and responses, actions, delivery reports.

`build(scale)` writes through bulk_create on the governed querysets (so history rows exist, as
they would after a year of edits) and is used both by the benchmark (bench/dashboard_bench.py,
full size) and by the query-count test (tiny sizes). Sizes at scale 1.0: 10,000 milestones with
52 weekly snapshots, 3,000 RAID items, 300 CRs each inviting 200 parties.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Sizes:
    milestones: int = 10_000
    snapshots: int = 52
    raid_items: int = 3_000
    change_requests: int = 300
    parties: int = 200
    actions: int = 400

    def scaled(self, factor: float) -> Sizes:
        return Sizes(
            *(
                max(2, int(v * factor))
                for v in (
                    self.milestones,
                    self.snapshots,
                    self.raid_items,
                    self.change_requests,
                    self.parties,
                    self.actions,
                )
            )
        )


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@transaction.atomic
def build(sizes: Sizes, *, on: date, seed: int = 7) -> dict:
    from change_requests.models import ChangeRequest, ChangeType, Invitation, Response, Stage
    from delivery.models import DeliveryReport, ReportStatus
    from meetings.models import Action, Meeting
    from milestones.models import Milestone, Snapshot, SnapshotRow
    from portal.models import Constituency, Forum, Organisation
    from raid.models import Classification, RaidItem, RaidType

    rng = random.Random(seed)
    forums = []
    psg, _ = Forum.objects.get_or_create(code="PSG", defaults={"name": "PSG", "level": 2})
    for code in ("SITAG", "QAG", "MCAG", "CCAG", "DAG"):
        forum, _ = Forum.objects.get_or_create(
            code=code, defaults={"name": code, "level": 3, "parent": psg}
        )
        forums.append(forum)
    forums.append(psg)
    constituencies = [
        Constituency.objects.get_or_create(
            name=f"Bench constituency {i}", defaults={"position": i}
        )[0]
        for i in range(17)
    ]
    existing = Organisation.objects.filter(name__startswith="Bench party ").count()
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench party {i:04d}",
                constituency=constituencies[i % 17],
                is_programme_party=True,
            )
            for i in range(existing, sizes.parties)
        ]
    )
    parties = list(Organisation.objects.filter(name__startswith="Bench party ").order_by("name"))

    meetings = []
    for index in range(-12, 4):
        day = on + timedelta(weeks=4 * index)
        meeting, _ = Meeting.objects.get_or_create(
            forum=psg, date=day, defaults={"number": 100 + index, "title": f"PSG {100 + index}"}
        )
        meetings.append(meeting)

    workstreams = ["DB", "TE", "QU", "RE", "MI"]
    start = on - timedelta(days=365)
    # Each build adds to what an earlier one made (the query-count test grows the data).
    first = Milestone.objects.filter(title__startswith="Bench milestone ").count()
    milestones = []
    for i in range(first, first + sizes.milestones):
        tier = f"T{1 + i % 3}"
        baseline = start + timedelta(days=rng.randrange(0, 540))
        slip = rng.choice([0, 0, 0, 7, 14, 28, 60])
        milestones.append(
            Milestone(
                reference=f"{tier}-{workstreams[i % 5]}-{i:05d}",
                tier=tier,
                workstream=workstreams[i % 5],
                forum=forums[i % len(forums)],
                title=f"Bench milestone {i}",
                baseline_date=baseline,
                forecast_date=baseline + timedelta(days=slip),
                completed_on=baseline if baseline < on - timedelta(days=30) and not slip else None,
                rag=rng.choice("RAGC"),
            )
        )
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    ids = list(
        Milestone.objects.filter(title__startswith="Bench milestone ")
        .order_by("id")
        .values_list("id", "baseline_date", "forecast_date")[first:]
    )
    for week in range(sizes.snapshots):
        taken_on = on - timedelta(weeks=sizes.snapshots - 1 - week)
        snapshot, _ = Snapshot.objects.get_or_create(
            taken_on=taken_on, defaults={"taken_at": _aware(taken_on)}
        )
        rows = [
            SnapshotRow(
                snapshot=snapshot,
                milestone_id=pk,
                rag=rng.choice("RAGC"),
                computed_rag="G",
                reason="bench",
                baseline_date=b,
                forecast_date=f,
            )
            for pk, b, f in ids
        ]
        SnapshotRow.objects.bulk_create(rows, batch_size=5000)

    first = RaidItem.objects.filter(title__startswith="Bench risk ").count()
    items = []
    for i in range(first, first + sizes.raid_items):
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        kind = RaidType.ISSUE if i % 4 == 3 else RaidType.RISK
        items.append(
            RaidItem(
                reference=f"{'I' if kind == RaidType.ISSUE else 'R'}{10000 + i}",
                type=kind,
                title=f"Bench risk {i}",
                description="There is a risk.",
                classification=Classification.RESTRICTED if i % 5 == 0 else Classification.PUBLIC,
                likelihood=likelihood,
                impact=impact,
                current_score=likelihood * impact,
                initial_score=likelihood * impact,
            )
        )
    RaidItem.objects.bulk_create(items, batch_size=2000)
    # A rescore after the last PSG for a tenth of them: movement has something to show.
    rescored = list(
        RaidItem.objects.filter(title__startswith="Bench risk ").order_by("id")[
            first : first + max(1, len(items) // 10)
        ]
    )
    for item in rescored:
        item.likelihood = min(5, (item.likelihood or 1) + 1)
        item.current_score = item.likelihood * (item.impact or 1)
    RaidItem.objects.bulk_update(rescored, ["likelihood", "current_score"], batch_size=2000)

    change_type, _ = ChangeType.objects.get_or_create(
        name="Full Impact Assessment", defaults={"requires_impact_assessment": True}
    )
    stages = list(Stage)
    first = ChangeRequest.objects.filter(title__startswith="Bench change ").count()
    base_number = 5000 + first
    crs = [
        ChangeRequest(
            number=base_number + i,
            reference=f"CR{base_number + i}",
            title=f"Bench change {i}",
            change_type=change_type,
            stage=Stage.IA_OPEN if i % 10 == 0 else stages[i % len(stages)],
            stage_changed_at=timezone.now(),
            ia_deadline=on + timedelta(days=14),
        )
        for i in range(sizes.change_requests)
    ]
    ChangeRequest.objects.bulk_create(crs, batch_size=1000)
    crs = list(
        ChangeRequest.objects.filter(title__startswith="Bench change ").order_by("id")[first:]
    )
    invitations, responses = [], []
    now = timezone.now()
    for cr in crs:
        for index, party in enumerate(parties):
            invitations.append(
                Invitation(
                    change_request=cr, organisation=party, invited_at=now, deadline=cr.ia_deadline
                )
            )
            if index % 3 == 0:
                responses.append(
                    Response(
                        change_request=cr,
                        organisation=party,
                        status="submitted" if index % 2 else "draft",
                        recommendation="yes",
                    )
                )
    Invitation.objects.bulk_create(invitations, batch_size=5000)
    Response.objects.bulk_create(responses, batch_size=5000)

    first = Action.objects.filter(reference__startswith="BENCH-").count()
    actions = []
    for i in range(first, first + sizes.actions):
        meeting = meetings[i % len(meetings)]
        status = rng.choice(["open", "ongoing", "closed"])
        actions.append(
            Action(
                meeting=meeting,
                sequence=1000 + i,
                reference=f"BENCH-{i:05d}",
                description=f"Bench action {i}",
                owner_text="Programme",
                status=status,
                closed_at=now if status == "closed" else None,
                due_date=on + timedelta(days=rng.randrange(-60, 60)),
            )
        )
    Action.objects.bulk_create(actions, batch_size=2000)

    DeliveryReport.objects.bulk_create(
        [
            DeliveryReport(
                organisation=party,
                period=on.replace(day=1),
                due_date=on,
                status=ReportStatus.ACCEPTED if i % 2 else ReportStatus.DRAFT,
                submitted_at=now if i % 2 else None,
                reviewed_at=now if i % 2 else None,
                rag_overall="A",
            )
            for i, party in enumerate(parties[:40])
        ],
        ignore_conflicts=True,
    )
    return {
        "milestones": len(ids),
        "raid_items": len(items),
        "change_requests": len(crs),
        "invitations": len(invitations),
        "snapshots": sizes.snapshots,
    }
