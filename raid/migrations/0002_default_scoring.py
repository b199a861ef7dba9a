"""The default scoring matrix and bands (docs/raid-scoring.md). Values are inlined, not
imported, so this migration means the same thing whatever raid.scoring later becomes."""

from django.db import migrations

MATRIX = {
    1: {1: 1, 2: 3, 3: 6, 4: 10, 5: 15},
    2: {1: 2, 2: 5, 3: 9, 4: 14, 5: 20},
    3: {1: 4, 2: 8, 3: 13, 4: 18, 5: 24},
    4: {1: 7, 2: 12, 3: 17, 4: 23, 5: 25},
    5: {1: 11, 2: 16, 3: 22, 4: 27, 5: 30},
}
BANDS = (("critical", 25, 30), ("high", 17, 24), ("medium", 9, 16), ("low", 1, 8))


def seed(apps, schema_editor):
    ScoreCell = apps.get_model("raid", "ScoreCell")
    ScoreBand = apps.get_model("raid", "ScoreBand")
    if not ScoreCell.objects.exists():
        ScoreCell.objects.bulk_create(
            ScoreCell(likelihood=lk, impact=im, score=score)
            for lk, row in MATRIX.items()
            for im, score in row.items()
        )
    if not ScoreBand.objects.exists():
        ScoreBand.objects.bulk_create(
            ScoreBand(band=band, min_score=low, max_score=high) for band, low, high in BANDS
        )


def unseed(apps, schema_editor):
    apps.get_model("raid", "ScoreCell").objects.all().delete()
    apps.get_model("raid", "ScoreBand").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("raid", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
