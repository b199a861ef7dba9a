import pytest


@pytest.fixture(autouse=True)
def _eager_tasks(monkeypatch):
    """Run the register's tasks in-process, so a test sees the recompute it triggers (and no
    message is left on the suite's broker)."""
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture
def pmo(world):
    return world.users["pmo"]


@pytest.fixture
def pmo_client(world, client_for):
    return client_for(world.users["pmo"])
