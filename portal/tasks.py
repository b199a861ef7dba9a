from celery import shared_task


@shared_task(name="portal.ping")
def ping(token: str) -> str:
    """Round-trip check used by the health page and the worker test."""
    return f"pong:{token}"
