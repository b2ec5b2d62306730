"""Print a new API token for a user (for scripts and first set-up; people use /account/tokens/)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import issue_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="created with create_api_token")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        token, key = issue_token(user=user, name=name)
        self.stderr.write(f"Token “{token.name}” for {username}, valid until {token.expires_at:%Y-%m-%d}:")
        self.stdout.write(key)
