from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Early morning, so a reminder is in inboxes at the start of the working day.
    "change-requests-ia-reminders": {
        "task": "change_requests.send_ia_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
