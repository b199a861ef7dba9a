"""Prepare the load-and-soak database (run by bench/load_run.py, in its own process).

Loads the demo programme through the portal's import path, recomputes RAGs, publishes a real
PSG 36 pack (WeasyPrint, in-process), opens one CR's impact assessment to every programme
party, gives one person per party, the PMO and the steering group known passwords and API
tokens, and writes what the load script needs to a JSON file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

PASSWORD = "load-soak-password-2024"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--participants", type=int, default=120)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from change_requests.models import ChangeRequest, ChangeType, Invitation, Stage
    from dashboards.models import BuildKind, BuildState, PackBuild
    from dashboards.packs import services as pack_services
    from meetings.models import Meeting
    from milestones import services as milestone_services
    from milestones.models import Milestone
    from portal.models import Organisation, Role, User
    from portal.reporting import reporting_date

    call_command("migrate", verbosity=0)
    call_command("load_programme", verbosity=0)
    milestone_services.milestones_recompute(on=reporting_date())

    pmo = User.objects.get(email="pmo@example.com")
    steering_people = [
        User.objects.get(email="steering@example.com"),
        User.objects.get(email="sro@example.com"),
    ]
    meeting = Meeting.objects.get(forum__code="PSG", number=36)
    build = pack_services.pack_build_request(actor=pmo, meeting=meeting, kind=BuildKind.PUBLISH)
    build = PackBuild.objects.get(pk=build.pk)
    if build.state != BuildState.DONE:  # a broker was configured: run it here
        pack_services.pack_build_run(build.pk)
        build.refresh_from_db()
    assert build.state == BuildState.DONE, build.error
    version = build.version

    today = timezone.localdate()
    number = (
        ChangeRequest.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    cr = ChangeRequest.objects.create(
        number=number,
        reference=f"CR{number:03d}",
        title="Load test: settlement timetable",
        change_type=ChangeType.objects.order_by("pk").first(),
        stage=Stage.IA_OPEN,
        stage_changed_at=timezone.now(),
        ia_opened_on=today,
        ia_deadline=today + datetime.timedelta(days=14),
    )
    parties = list(
        Organisation.objects.filter(is_programme_party=True, active=True).order_by("name")
    )[: args.participants]
    participants = []
    for n, organisation in enumerate(parties):
        Invitation.objects.create(
            change_request=cr,
            organisation=organisation,
            deadline=cr.ia_deadline,
            invited_at=timezone.now(),
        )
        user, _ = User.objects.get_or_create(
            email=f"load{n:03d}@load.example",
            defaults={
                "full_name": f"Load participant {n}",
                "role": Role.PARTICIPANT,
                "organisation": organisation,
            },
        )
        user.set_password(PASSWORD)
        user.save()
        participants.append(
            {
                "email": user.email,
                "token": Token.objects.get_or_create(user=user)[0].key,
                "organisation_id": organisation.pk,
            }
        )
    for person in [pmo, *steering_people]:
        person.set_password(PASSWORD)
        person.save()

    milestones = list(
        Milestone.objects.filter(completed_on=None).order_by("pk").values_list("pk", flat=True)
    )
    fixture = {
        "password": PASSWORD,
        "cr": cr.pk,
        "meeting": meeting.pk,
        "version": version.pk,
        "participants": participants,
        "pmo": {"email": pmo.email, "token": Token.objects.get_or_create(user=pmo)[0].key},
        "steering": [
            {"email": p.email, "token": Token.objects.get_or_create(user=p)[0].key}
            for p in steering_people
        ],
        "milestones": milestones,
    }
    Path(args.out).write_text(json.dumps(fixture, indent=1))
    print(
        f"Prepared: CR {cr.reference} open to {len(participants)} parties, pack "
        f"{version.label} ({version.pages_full} pages), {len(milestones)} open milestones"
    )


if __name__ == "__main__":
    main()
