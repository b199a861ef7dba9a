"""The timeline's links on the milestone register and the plan pages (imported by
DashboardsConfig.ready): milestones cannot point up at dashboards, so dashboards owns them."""

from portal.navigation import PageLink, register_page_link

register_page_link(
    PageLink("milestone-list", "Timeline view", "milestone-timeline", "milestone.view")
)
# The plan page's filters (lanes, dates) are not the register's: open the timeline unfiltered.
register_page_link(
    PageLink("plan-list", "Timeline view", "milestone-timeline", "milestone.view", keep_query=False)
)
