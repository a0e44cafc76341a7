"""Create a staff account in the Editors group, or with --reviewer in Medical reviewers too."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from guides.models import Person
from guides.permissions import EDITORS, REVIEWERS, ensure_editors_group


class Command(BaseCommand):
    help = (
        "Create an editor (a staff account in the Editors group). With --reviewer the account is a medical "
        "reviewer too; --person SLUG links it to the person page its approvals name in the byline."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--email", default="")
        parser.add_argument("--reviewer", action="store_true", help="also a member of Medical reviewers")
        parser.add_argument("--person", help="slug of the person page to link (reviewers need one to approve)")
        parser.add_argument("--password", help="the password (default: asked for twice)")

    def handle(self, *args, username, email, reviewer, person, password, **options):
        username = username or input("Username: ").strip()
        if not username:
            raise CommandError("A username is needed.")
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"There is already an account called {username}.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = users(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        linked = None
        if person:
            linked = Person.objects.filter(slug=person).first()
            if linked is None:
                raise CommandError(f"No person page with the slug {person}.")
        user.set_password(password)
        user.save()
        ensure_editors_group()
        user.groups.add(Group.objects.get(name=EDITORS))
        if reviewer:
            user.groups.add(Group.objects.get(name=REVIEWERS))
        if linked is not None:
            linked.user = user
            linked.save(update_fields=["user"])
        role = "medical reviewer" if reviewer else "editor"
        self.stdout.write(
            self.style.SUCCESS(f"Created {role} {username}." + (f" Linked to {linked}." if linked else ""))
        )
