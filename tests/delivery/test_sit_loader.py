"""The demo's SIT and report-content files through `load_programme`: bad rows stop everything."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from delivery.models import DeliveryEscalation, DeliveryReport
from delivery.sit_models import CohortTrialPlan, SitDashboard, SitTargetSet
from portal.importing import ImportRejected
from portal.programme_loading import load_programme

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "demo" / "psg36"


@pytest.fixture
def programme(tmp_path):
    copy = tmp_path / "psg36"
    shutil.copytree(DEMO, copy)
    return copy


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("filename", "old", "new", "where"),
    [
        (
            "sit_targets.csv",
            ",>,85,%,57,",
            ",>,,%,57,",
            "sit_targets.csv, line 9, column 'threshold'",
        ),
        (
            "sit_targets.csv",
            "count,4,,5,",
            "count,9,,5,",
            "sit_targets.csv, line 20, column 'achieved'",
        ),
        (
            "sit_mvc_status.csv",
            "2024-08-28,Supplier / Independent Agent,17,Smart",
            "2024-08-28,Supplier / Independent Agent,16,Smart",
            "sit_mvc_status.csv, line 3, column 'pps_confirmed'",
        ),
        (
            "sit_stage_status.csv",
            "2024-08-28,CIT,,",
            "2024-08-28,CIT,Purple,",
            "sit_stage_status.csv, line 2, column 'rag'",
        ),
        (
            "cohort_trials.csv",
            "Sprint 4.1,trial,paired,",
            "Sprint 4.1,trial,tripled,",
            "cohort_trials.csv, line 26, column 'kind'",
        ),
        (
            "delivery_escalations.csv",
            'dnos,"PIT for SIT',
            'dnoz,"PIT for SIT',
            "delivery_escalations.csv, line 2, column 'report'",
        ),
        (
            "delivery_reports.csv",
            "2024-08-23,2024-08-28,8,14,",
            "2024-08-23,2024-08-28,15,14,",
            "delivery_reports.csv, line 9, column 'organisations_reported'",
        ),
        ("delivery_deliverables.csv", ",M10,", ",M10,", None),  # sanity: the unchanged file loads
    ],
)
def test_a_bad_row_names_its_file_line_and_column_and_loads_nothing(
    programme, filename, old, new, where
):
    _replace(programme / filename, old, new)
    if where is None:
        load_programme(programme)
        assert SitTargetSet.objects.count() == 2
        return
    with pytest.raises(ImportRejected) as excinfo:
        load_programme(programme)
    assert where in str(excinfo.value)
    assert not DeliveryReport.objects.exists() and not DeliveryEscalation.objects.exists()
    assert not SitTargetSet.objects.exists() and not SitDashboard.objects.exists()
    assert not CohortTrialPlan.objects.exists()


def test_programme_without_the_optional_files_still_loads(programme):
    # (pack_sections.csv names the demo's trial plan, so it goes too)
    for name in (
        "pack_sections.csv",
        "sit_targets.csv",
        "sit_mvc_status.csv",
        "sit_stage_status.csv",
        "cohort_trials.csv",
        "delivery_escalations.csv",
        "delivery_deliverables.csv",
        "delivery_report_text.csv",
    ):
        (programme / name).unlink()
    load_programme(programme)
    assert DeliveryReport.objects.count() == 8 and not SitTargetSet.objects.exists()


def test_a_reloaded_file_with_a_changed_figure_updates_in_place(programme):
    load_programme(programme)
    measure_ids = set(SitTargetSet.objects.values_list("targets__measures__pk", flat=True))
    _replace(programme / "sit_targets.csv", ",>,85,%,57,", ",>,85,%,61,")
    load_programme(programme)
    from delivery.sit_models import SitTargetMeasure

    executed = SitTargetMeasure.objects.get(measure__startswith="% Tests Executed")
    assert executed.achieved == 61 and executed.history.count() == 2
    assert set(SitTargetSet.objects.values_list("targets__measures__pk", flat=True)) == measure_ids
