from django.conf import settings
from django.core.management.base import BaseCommand

from portal.models import Role, User


class Command(BaseCommand):
    help = "Print one demo login per role."

    def handle(self, *args, **options):
        self.stdout.write(f"\nDemo logins (password for all: {settings.DEMO_PASSWORD})")
        shown = set()
        for user in (
            User.objects.filter(email__endswith="@example.com")
            .select_related("organisation")
            .order_by("role", "email")
        ):
            label = Role(user.role).label + (" + staff admin" if user.is_staff else "")
            marker = "" if (user.role, user.organisation_id) not in shown else " (same org)"
            shown.add((user.role, user.organisation_id))
            organisation = user.organisation.name if user.organisation else "-"
            self.stdout.write(f"  {label:<34} {user.email:<28} {organisation}{marker}")
        self.stdout.write("")
