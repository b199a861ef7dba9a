"""iCalendar feeds of milestone and meeting dates, one per forum, subscribable by token.

Calendar clients cannot sign in, so each feed URL carries the user's id and a token derived
(HMAC with SECRET_KEY) from that user's id, email and password hash: no table is needed, and
changing the password (or deactivating the person) revokes every feed URL they handed out.
The feed is still permission-checked as that user on every fetch.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from portal.models import User
from portal.permissions import can

SALT = "dashboards.programme_calendar.feed"
PAST_DAYS = 90


def feed_token(user: User) -> str:
    return salted_hmac(SALT, f"{user.pk}:{user.email}:{user.password}").hexdigest()[:40]


def user_for_token(user_id: str, token: str) -> User | None:
    if not str(user_id).isdigit() or not token:
        return None
    user = User.objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        return None
    return user


def feed_url(user: User, forum_code: str) -> str:
    path = reverse("programme-calendar", kwargs={"forum": forum_code})
    return f"{settings.SITE_URL}{path}?user={user.pk}&token={feed_token(user)}"


def build_calendar(*, user: User, forum, today: date) -> bytes:
    """Milestones (forecast dates) and meetings of `forum` from 90 days ago onwards."""
    from meetings.selectors import meeting_list
    from milestones.selectors import register

    calendar = Calendar()
    calendar.add("prodid", "-//Steering Portal//Programme calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{forum.code} milestones and meetings")
    stamp = timezone.now()
    since = today - timedelta(days=PAST_DAYS)
    host = settings.SITE_URL.split("://")[-1].split("/")[0] or "steering-portal"
    if can(user, "milestone.view"):
        for milestone in register(forum=forum.code).filter(forecast_date__gte=since):
            event = Event()
            event.add("uid", f"milestone-{milestone.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", f"{milestone.reference} {milestone.title}")
            event.add("dtstart", milestone.forecast_date)
            event.add("dtend", milestone.forecast_date + timedelta(days=1))
            event.add(
                "description",
                f"Forecast {milestone.forecast_date:%d %b %Y}; baseline "
                f"{milestone.baseline_date:%d %b %Y}. {milestone.commentary}".strip(),
            )
            detail = reverse("milestone-detail", args=[milestone.pk])
            event.add("url", f"{settings.SITE_URL}{detail}")
            event.add("categories", ["Milestone", forum.code])
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    if can(user, "meeting.view"):
        for meeting in meeting_list(forum_code=forum.code).filter(date__gte=since):
            event = Event()
            event.add("uid", f"meeting-{meeting.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", meeting.title or str(meeting))
            if meeting.start_time:
                from meetings.selectors import meeting_starts_at

                event.add("dtstart", meeting_starts_at(meeting))
                event.add("duration", timedelta(hours=2, minutes=30))
            else:
                event.add("dtstart", meeting.date)
                event.add("dtend", meeting.date + timedelta(days=1))
            event.add("url", f"{settings.SITE_URL}{reverse('meeting-detail', args=[meeting.pk])}")
            event.add("categories", ["Meeting", forum.code])
            calendar.add_component(event)
    return calendar.to_ical()
