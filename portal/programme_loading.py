"""Loading a programme directory (the bundled demo or another in the same layout).

Each app registers a loader for its own files; `load_programme` runs them in layer
order inside one transaction, so a bad row anywhere leaves the database as it was.
Loaders must be idempotent: a second run updates in place and duplicates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from portal.history import history_context
from portal.importing import ImportRejected, Row, RowProblem, read_csv_file


@dataclass
class LoadContext:
    directory: Path
    summary: dict[str, int] = field(default_factory=dict)

    def rows(self, filename: str, *, required: list[str]) -> list[Row]:
        return list(read_csv_file(self.directory / filename, required=required))

    def has(self, filename: str) -> bool:
        return (self.directory / filename).exists()

    def count(self, label: str, number: int) -> None:
        self.summary[label] = self.summary.get(label, 0) + number


@dataclass(frozen=True)
class Loader:
    order: int
    name: str
    load: Callable[[LoadContext], None]


_LOADERS: dict[str, Loader] = {}


def register_loader(name: str, *, order: int):
    def register(func):
        _LOADERS[name] = Loader(order, name, func)
        return func

    return register


def loaders() -> list[Loader]:
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))


def load_programme(directory: Path) -> dict[str, int]:
    """Load every registered part of a programme directory; all or nothing."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportRejected([RowProblem(str(directory), 0, "", "is not a directory")])
    context = LoadContext(directory)
    with transaction.atomic(), history_context(reason="Loaded from programme files"):
        for loader in loaders():
            loader.load(context)
    return context.summary
