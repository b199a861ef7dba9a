"""The demo PSG 36 pack against the seed, and a reforecast published as v1.1."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from pypdf import PdfReader

from dashboards.models import PackSection
from meetings.selectors import meeting_by_name
from portal.programme_loading import load_programme
from tests.dashboards.conftest import publish

pytestmark = pytest.mark.slow


def seed(name: str) -> list[dict]:
    with open(settings.DEMO_PROGRAMME_DIR / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def text_of(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def psg36(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    load_programme(settings.DEMO_PROGRAMME_DIR)
    return meeting_by_name("PSG 36")


def test_demo_pack_is_recognisably_the_seed_pack(psg36):
    version = publish(psg36).version
    full = flat(text_of(version.pdf_full))
    public = flat(text_of(version.pdf_public))

    for item in seed("agenda.csv"):
        assert item["title"] in full, item["title"]
        if item["start"]:
            assert f"{item['start']}-{item['end']}" in full
    for action in seed("actions.csv"):
        assert action["ref"] in full
    # CR054: the computed constituency table matches the seed's printed totals.
    assert re.search(r"Totals 22 1 4 165", full), "CR054 totals row"
    summary = {row["constituency"]: row for row in seed("ia_summary_cr054.csv")}
    large = summary["Large Suppliers"]
    assert f"Large Suppliers {large['yes']} - {large['abstain']} {large['no_reply']}" in full
    dashboard_refs = {
        row["ref"]
        for row in seed("milestones.csv")
        if row["source"].startswith("Delivery Dashboards")
    }
    missing = sorted(ref for ref in dashboard_refs if ref not in full.replace("- ", "-"))
    assert not missing, missing
    assert "Central Party Finances" in full and "69.85" in full
    # The appendix RAID theme slides are Restricted: in the Full edition only.
    # (Public slides may mention a Restricted item's reference, as the seed's own do; its
    # description is what must not leak.)
    restricted = [row for row in seed("raid.csv") if row["classification"] == "Restricted"]
    assert all(row["ref"] in full for row in restricted)
    leaked = [row["ref"] for row in restricted if flat(row["description"])[:60] in public]
    assert not leaked, leaked
    assert flat(restricted[0]["description"])[:60] in full
    assert "RAID Theme Slides" in public  # the agenda still lists the appendix line


def test_a_reforecast_marks_exactly_the_sections_that_show_it(psg36):
    from milestones.models import Milestone
    from milestones.services import milestone_reforecast

    v10 = publish(psg36).version
    milestone = Milestone.objects.get(reference="T3-DB-0153")
    old = milestone.forecast_date
    milestone_reforecast(
        actor=None,
        milestone=milestone,
        forecast_date=old + timedelta(days=14),
        reason="Late RTTMs from two parties",
    )
    v11 = publish(psg36).version
    assert v11.label == "v1.1"

    titles = dict(PackSection.objects.filter(meeting=psg36).values_list("pk", "title"))
    for edition in ("full", "public"):
        marks = v11.section_updates[edition]
        updated = {titles[int(key.removeprefix("section-"))] for key in marks}
        assert updated == {"Delivery Dashboards: milestones", "What changed since the last PSG"}
        assert set(marks.values()) == {"v1.1"}
    assert v10.section_updates == {}

    text = flat(text_of(v11.pdf_public))
    assert text.count("Updated: v1.1") == 2 + 2  # two section headers, two contents entries
    changed = text[text.index("What changed since the last PSG Updated: v1.1") :]
    row = re.search(r"T3-\s?DB-0153 .*?(\w{3} \d\d/\d\d/\d\d) (\w{3} \d\d/\d\d/\d\d) \+14", changed)
    assert row, changed[:600]
    assert row.group(1) == old.strftime("%a %d/%m/%y")
    assert row.group(2) == (old + timedelta(days=14)).strftime("%a %d/%m/%y")
