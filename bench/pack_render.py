"""Pack rendering benchmark (issue 6): the demo PSG 36 pack and a scaled pack, rendered by the
worker's own code path in a warm process, next to Chromium's headless print of the same HTML.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_pack_bench
    .venv/bin/python manage.py migrate && .venv/bin/python bench/pack_render.py

The first run loads the demo programme and adds a scaled meeting "PSG 90" (300 milestone rows,
100 RAID items, 10 change requests and the usual sections); later runs reuse them. Each pack is
built three times after a warm-up build, as a worker that has rendered before does: a build is
`dashboards.packs.services.pack_build_run` on a draft build (both editions, files stored; the
Public edition is laid out in a forked child while the process lays out the Full one).
Memory is the peak resident set (ru_maxrss) of the process and of its layout fork and, for
Chromium, the peak of the sum over its process tree, sampled every 20 ms.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from dashboards.models import BuildKind, PackBuild, PackSection  # noqa: E402
from dashboards.packs import services  # noqa: E402
from dashboards.packs.render import render_pack  # noqa: E402
from meetings.models import AgendaItem, NarrativeSection  # noqa: E402
from meetings.selectors import meeting_by_name  # noqa: E402
from portal.history import history_context  # noqa: E402
from portal.programme_loading import load_programme  # noqa: E402

CHROMIUM = [
    "/usr/bin/chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]
RUNS = 3


def ensure_demo():
    if meeting_by_name("PSG 36") is None:
        load_programme(settings.DEMO_PROGRAMME_DIR)
    return meeting_by_name("PSG 36")


@transaction.atomic
def ensure_scaled():
    """PSG 90: 300 milestones in its dashboard window, 100 RAID items, 10 CRs."""
    from tests.change_requests.factories import ChangeRequestFactory
    from tests.factories import MeetingFactory
    from tests.milestones.factories import MilestoneFactory
    from tests.raid.factories import MitigationStepFactory, RaidItemFactory, ThemeFactory

    existing = meeting_by_name("PSG 90")
    if existing is not None:
        return existing
    demo = ensure_demo()
    forum = demo.forum
    meeting = MeetingFactory(
        forum=forum, number=90, date=date(2025, 6, 4), title="Programme Steering Group #90"
    )
    titles = [
        ("Welcome", 5, ""),
        ("Headline Report and Actions", 10, "decision"),
        ("Testing Update", 20, "information"),
        ("Planning Update", 15, "information"),
        ("Programme Change Requests", 10, "decision"),
        ("Delivery Dashboards", 30, "information"),
        ("Summary and Next Steps", 5, "information"),
    ]
    items = [
        AgendaItem.objects.create(
            meeting=meeting,
            position=n,
            label=str(n),
            title=title,
            duration_minutes=minutes,
            item_type=kind,
            leads="Programme",
        )
        for n, (title, minutes, kind) in enumerate(titles, start=1)
    ]
    appendix = AgendaItem.objects.create(
        meeting=meeting, position=len(items) + 1, label="Appendix", title="RAID Theme Slides"
    )
    body = demo.narrative_sections.get(key="m10-planning-update").body
    for key, title in [("testing", "Testing Update"), ("planning", "Planning Update")]:
        NarrativeSection.objects.create(
            meeting=meeting, key=key, title=title, body=body, status="published"
        )
    with history_context(reason="Benchmark data"):
        start = date(2025, 3, 3)
        for n in range(300):
            baseline = start + timedelta(days=(n * 7) % 200)
            MilestoneFactory(
                reference=f"T3-BN-{n + 1:04d}",
                forum=forum,
                title=f"Scaled milestone {n + 1}: SIT cohort readiness evidence approved",
                baseline_date=baseline,
                forecast_date=baseline + timedelta(days=(n % 5) * 7),
                responsible="SI Test",
                commentary=(
                    "Date re-forecast in line with short term scenario planning; "
                    "engagement with the remaining participants continues."
                ),
            )
        themes = [ThemeFactory(name=f"Scaled theme {t + 1}") for t in range(10)]
        for n in range(100):
            item = RaidItemFactory(
                reference=f"R{5001 + n}",
                title=f"Scaled risk {n + 1}",
                description=(
                    "There is a risk that participants will not complete testing in line with "
                    "the plan, which may delay the programme's next milestone."
                ),
                theme=themes[n % 10],
                classification="public",
            )
            for step in range(3):
                MitigationStepFactory(
                    item=item, position=step + 1, text="Weekly cohort review and escalation"
                )
        for n in range(10):
            ChangeRequestFactory(number=201 + n, raised_on=date(2025, 5, 1) + timedelta(days=n))
    layout = [
        (items[1], "actions", "Actions log", {}),
        (items[1], "decisions", "Decisions", {}),
        (items[2], "narrative", "Testing Update", {"keys": ["testing"]}),
        (items[3], "narrative", "Planning Update", {"keys": ["planning"]}),
        (items[4], "cr_ia_summary", "CR054 – Impact Assessment Summary", {"cr": "CR054"}),
        (items[4], "cr_ia_views", "CR054 views", {"cr": "CR054"}),
        (items[5], "what_changed", "What changed since the last PSG", {}),
        (items[5], "milestone_dashboard", "Milestones", {"from": "2025-03-01", "to": "2025-09-30"}),
        (items[5], "raid_key_items", "RAID key items", {}),
        (items[5], "raid_heatmap", "RAID heat map", {}),
        (items[5], "change_control", "Change Control", {"since": "2024-01-01"}),
        (items[5], "finances", "Finances", {}),
        (items[6], "summary", "Summary", {}),
        (appendix, "raid_themes", "RAID Theme Slides", {}),
    ]
    for position, (item, kind, title, params) in enumerate(layout, start=1):
        PackSection.objects.create(
            meeting=meeting,
            agenda_item=item,
            position=position * 10,
            section_type=kind,
            title=title,
            params=params,
            classification="restricted" if kind == "raid_themes" else "public",
        )
    return meeting


def build_once(meeting) -> tuple[float, float, PackBuild]:
    build = PackBuild.objects.create(meeting=meeting, key=uuid.uuid4().hex, kind=BuildKind.DRAFT)
    wall, cpu = time.perf_counter(), time.process_time()
    services.pack_build_run(build.pk)
    elapsed = time.perf_counter() - wall, time.process_time() - cpu
    build.refresh_from_db()
    assert build.state == "done", build.error
    return elapsed[0], elapsed[1], build


def full_edition_once(meeting) -> tuple[float, float, str, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    pack = render_pack(meeting, version_label="v9.9", draft=True, editions=("full",))
    edition = pack.editions["full"]
    return time.perf_counter() - wall, time.process_time() - cpu, edition.html, edition.pages


def chromium(html: str) -> tuple[float, int, int]:
    """Wall seconds, peak RSS of the process tree (MiB) and pages of Chromium's print."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "pack.html", Path(folder) / "pack.pdf"
        source.write_text(html, encoding="utf-8")
        started = time.perf_counter()
        process = subprocess.Popen(
            [
                *CHROMIUM,
                f"--user-data-dir={folder}/profile",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        parent, peak = psutil.Process(process.pid), 0
        while process.poll() is None:
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        pages = len(PdfReader(str(target)).pages)
    return elapsed, peak // (1024 * 1024), pages


def main():
    demo, scaled = ensure_demo(), ensure_scaled()
    build_once(demo)  # warm-up: imports, fonts, templates, as in a worker that has built before
    rows, measured = [], []
    for label, meeting in [("Demo PSG 36", demo), ("Scaled PSG 90", scaled)]:
        builds = [build_once(meeting) for _ in range(RUNS)]
        editions = [full_edition_once(meeting) for _ in range(RUNS)]
        measured.append((label, builds, editions))
    # Before Chromium runs (its processes are children too): the worker and its layout fork.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    fork_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    for label, builds, editions in measured:
        html, pages = editions[-1][2], editions[-1][3]
        chrome = [chromium(html) for _ in range(RUNS)]
        rows.append(
            {
                "pack": label,
                "pages": f"{pages} full / {builds[-1][2].pages_public} public",
                "build": statistics.median(b[0] for b in builds),
                "build_cpu": statistics.median(b[1] for b in builds),
                "full": statistics.median(e[0] for e in editions),
                "full_cpu": statistics.median(e[1] for e in editions),
                "chromium": statistics.median(c[0] for c in chrome),
                "chromium_mem": max(c[1] for c in chrome),
                "chromium_pages": chrome[-1][2],
            }
        )
    load = os.getloadavg()[0]
    print(
        f"Worker process peak RSS: {peak} MiB; its edition-layout fork: {fork_peak} MiB; "
        f"load average at the end: {load:.1f}"
    )
    print(
        "| pack | pages | build, both editions (wall / CPU s) | Full edition only "
        "(wall / CPU s) | Chromium print of the Full HTML (wall s, peak MiB, pages) |"
    )
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['pack']} | {r['pages']} | {r['build']:.1f} / {r['build_cpu']:.1f} | "
            f"{r['full']:.1f} / {r['full_cpu']:.1f} | {r['chromium']:.1f} s, "
            f"{r['chromium_mem']} MiB, {r['chromium_pages']} pages |"
        )


if __name__ == "__main__":
    main()
