"""Who may use the programme dashboard: every signed-in role. What each panel shows is narrowed
by the source app's own selectors (Restricted RAID items, unaccepted delivery reports and
unsubmitted impact-assessment responses never reach a reader who may not see them)."""

from portal.permissions import anyone, rule

rule("dashboard.view")(anyone)
rule("dashboard.export")(anyone)
rule("dashboard.calendar")(anyone)
