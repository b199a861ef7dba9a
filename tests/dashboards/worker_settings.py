"""Settings for the real Celery worker that tests/dashboards/test_pack_worker.py starts and
kills: the portal's own, with a lease and a broker visibility timeout short enough for a test
to watch a dead worker's build being taken over."""

from portal.settings import *  # noqa: F403

PACK_BUILD_LEASE_SECONDS = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
