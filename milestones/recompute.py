"""Refreshing the cached RAG columns of the register, set-based (a part of the services).

`milestones.services` re-exports `milestones_recompute`; tasks and views call it from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from milestones.models import Milestone

RECOMPUTE_BATCH = 5000


def _write_rags(changed: list[tuple[int, str, str]], on: date) -> None:
    """Write the changed rows set-based. PostgreSQL: COPY them into a temporary table, then
    one UPDATE ... FROM it. Elsewhere (SQLite in development): bulk_update in batches."""
    from django.db import connection

    if not changed:
        return
    table = Milestone._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS milestone_rag_new "
                "(id bigint PRIMARY KEY, rag varchar(1), reason text) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE milestone_rag_new")
            with cursor.cursor.copy("COPY milestone_rag_new (id, rag, reason) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} AS m SET rag = v.rag, rag_reason = v.reason, "
                "rag_evaluated_on = %s FROM milestone_rag_new AS v WHERE m.id = v.id",
                [on],
            )
        return
    # The plain base manager: derived columns are not governed history.
    for start in range(0, len(changed), RECOMPUTE_BATCH):
        Milestone._base_manager.bulk_update(
            [
                Milestone(pk=pk, rag=rag, rag_reason=reason, rag_evaluated_on=on)
                for pk, rag, reason in changed[start : start + RECOMPUTE_BATCH]
            ],
            ["rag", "rag_reason", "rag_evaluated_on"],
            batch_size=500,
        )


@transaction.atomic
def milestones_recompute(*, on: date, milestone_ids: Iterable[int] | None = None) -> int:
    """Refresh the cached RAG (as at `on`) of the given milestones and everything downstream,
    or of all milestones; set-based: a fixed handful of reads, one UPDATE per 5,000 changed
    rows. Returns the number of rows whose RAG or reason changed. Idempotent."""
    from django.db.models import Q

    from milestones.rag import evaluate_all
    from milestones.selectors import downstream_ids, load_nodes

    targets: set[int] | None = None
    if milestone_ids is not None:
        targets = downstream_ids(milestone_ids)
        if not targets:
            return 0
        outside = (
            Milestone.predecessors.through.objects.filter(from_milestone_id__in=targets)
            .exclude(to_milestone_id__in=targets)
            .values("to_milestone_id")
        )
        # Predecessors outside the set are read from the cache, which must be of the same day.
        stale = Milestone._base_manager.filter(pk__in=outside).exclude(rag_evaluated_on=on)
        if stale.exists():
            targets = None
    if targets is None:
        nodes = load_nodes()
        results = evaluate_all(nodes, on)
        cached = Milestone._base_manager.values_list("id", "rag", "rag_reason", "rag_evaluated_on")
    else:
        nodes = load_nodes(Q(pk__in=targets))
        outside_nodes = load_nodes(Q(pk__in=outside))
        settled = dict(Milestone._base_manager.filter(pk__in=outside).values_list("id", "rag"))
        # Predecessors outside the set keep their cached displayed RAG.
        from milestones.rag import DisplayRag, RagResult

        seeded = {}
        for pk, node in outside_nodes.items():
            value = node.rag_override or settled.get(pk, "")
            seeded[pk] = DisplayRag(value, "", RagResult(value or "G", ""), bool(node.rag_override))
        results = evaluate_all({**outside_nodes, **nodes}, on, settled=seeded)
        results = {pk: results[pk] for pk in nodes}
        cached = Milestone._base_manager.filter(pk__in=targets).values_list(
            "id", "rag", "rag_reason", "rag_evaluated_on"
        )
    changed = []
    for pk, rag, reason, evaluated_on in cached:
        result = results.get(pk)
        if result is None:
            continue
        computed = result.computed
        if (rag, reason, evaluated_on) != (computed.value, computed.reason, on):
            changed.append((pk, computed.value, computed.reason))
    _write_rags(changed, on)
    return len(changed)
