"""The renderer of each section type: which data it reads and which partial shows it.

One module per area of data; importing this package registers every renderer. Partials belong
to the app that owns the data (`templates/<app>/_*.html`) and serve its web pages too; the
templates under `dashboards/pack/sections/` only frame them for the page.
"""

from dashboards.packs.sections import (  # noqa: F401  (registration)
    change_requests,
    delivery,
    engagement,
    meetings,
    milestones,
    raid,
    testing,
    timeline,
)
from dashboards.packs.sections.milestones import milestone_window  # noqa: F401
