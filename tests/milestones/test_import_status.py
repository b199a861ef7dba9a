"""Status updates through the register's import: only `ref` and the columns that change
(completion dates, at-risk flags with their reasons), as the demo's milestone_facts.csv does."""

import shutil
from datetime import date

import pytest
from django.conf import settings

from milestones import services
from milestones.models import Milestone
from portal.importing import ImportRejected
from portal.programme_loading import load_programme
from tests.factories import ForumFactory
from tests.milestones.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _import(pmo, text: str):
    return services.milestones_import(actor=pmo, filename="status.csv", content=text.encode())


@pytest.fixture
def register():
    forum = ForumFactory(code="QAG")
    return [
        MilestoneFactory(
            reference=f"T3-QU-{n:04d}",
            forum=forum,
            commentary=f"note {n}",
            baseline_date=date(2030, 1, 31),  # not yet due on the tests' reporting date (today)
        )
        for n in (81, 83, 113)
    ]


def test_status_update_changes_only_its_columns(pmo, register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the RAG recompute runs on commit
        result = _import(
            pmo,
            "ref,completed_on,at_risk,at_risk_reason\n"
            "T3-QU-0081,2024-08-22,,\n"
            "T3-QU-0113,,yes,Date will be missed due to QT execution replanning\n",
        )
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    done, flagged, other = (Milestone.objects.get(pk=m.pk) for m in register[0::2] + [register[1]])
    assert done.completed_on == date(2024, 8, 22) and done.commentary == "note 81"
    assert done.title == register[0].title and done.rag == "C"
    assert flagged.at_risk and flagged.rag == "A"
    assert "QT execution replanning" in flagged.rag_reason
    assert other.completed_on is None and not other.at_risk
    record = done.history.first()
    assert record.history_change_reason == "Imported from status.csv"
    again = _import(
        pmo,
        "ref,completed_on,at_risk,at_risk_reason\n"
        "T3-QU-0081,2024-08-22,,\n"
        "T3-QU-0113,,yes,Date will be missed due to QT execution replanning\n",
    )
    assert (again.updated, again.unchanged) == (0, 2)


def test_clearing_the_flag_clears_its_reason(pmo, register):
    _import(pmo, "ref,at_risk,at_risk_reason\nT3-QU-0113,yes,PIT reports late\n")
    _import(pmo, "ref,at_risk\nT3-QU-0113,no\n")
    cleared = Milestone.objects.get(reference="T3-QU-0113")
    assert (cleared.at_risk, cleared.at_risk_reason) == (False, "")


@pytest.mark.parametrize(
    "text, problems",
    [
        # A flag without its reason.
        ("ref,at_risk\nT3-QU-0113,yes\n", [(2, "at_risk_reason")]),
        ("ref,at_risk,at_risk_reason\nT3-QU-0113,yes,  \n", [(2, "at_risk_reason")]),
        # A reference that is not in the register needs the columns that create one.
        (
            "ref,completed_on\nT3-QU-0999,2024-08-22\n",
            [(2, "forum"), (2, "title"), (2, "baseline_date"), (2, "forecast_date")],
        ),
        # Bad values name their line and column.
        ("ref,completed_on\nT3-QU-0081,22/08/24\n", [(2, "completed_on")]),
        ("ref,at_risk,at_risk_reason\nT3-QU-0081,perhaps,x\n", [(2, "at_risk")]),
        ("ref,title\nT3-QU-0081,\n", [(2, "title")]),
        # One bad row and the good one is not applied either.
        (
            "ref,completed_on\nT3-QU-0081,2024-08-22\nT3-QU-0083,2024-13-01\n",
            [(3, "completed_on")],
        ),
    ],
)
def test_bad_status_rows_change_nothing(pmo, register, text, problems):
    with pytest.raises(ImportRejected) as rejected:
        _import(pmo, text)
    assert [(p.line, p.column) for p in rejected.value.problems] == problems
    assert not Milestone.objects.filter(completed_on__isnull=False).exists()
    assert not Milestone.objects.filter(at_risk=True).exists()


def test_demo_facts_file_with_a_bad_row_loads_nothing(tmp_path):
    directory = tmp_path / "psg36"
    shutil.copytree(settings.DEMO_PROGRAMME_DIR, directory)
    facts = directory / "milestone_facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    # Line 3 loses the words that state its fact; line 4 names a reference not in the register.
    lines[2] = "T3-QU-0081,2024-08-22,,,Level 3 Advisory Groups Updates,"
    lines[3] = "T3-QU-9999,2024-08-22,,,Level 3 Advisory Groups Updates,approved"
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        load_programme(directory)
    where = {(p.file, p.line, p.column) for p in rejected.value.problems}
    assert ("milestone_facts.csv", 3, "evidence") in where
    assert not Milestone.objects.exists()
    facts.write_text("\n".join([lines[0], lines[3]]) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        load_programme(directory)
    assert {(p.file, p.line, p.column) for p in rejected.value.problems} >= {
        ("milestone_facts.csv", 2, "forum")
    }
    assert not Milestone.objects.exists()
