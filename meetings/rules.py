from portal.permissions import anyone, rule

rule("meeting.view")(anyone)
