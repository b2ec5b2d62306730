"""The people every test talks about, defined once (see STYLE.md, "Personas in tests")."""
from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from roles import permissions


@dataclass
class Personas:
    hr: User            # reads published role pages
    editor: User        # edits drafts
    approver: User      # reviews and publishes
    hiring: User        # hiring manager
    interviewer1: User
    interviewer2: User
    manager: User       # people manager
    admin: User         # may do everything
    outsider: User      # signed in, in no group: should see nothing beyond what every user sees


PERSONA_GROUPS = {
    "hr": [permissions.HR],
    "editor": [permissions.HR, permissions.EDITORS],
    "approver": [permissions.HR, permissions.APPROVERS],
    "hiring": [permissions.HR, permissions.HIRING_MANAGERS],
    "interviewer1": [permissions.INTERVIEWERS],
    "interviewer2": [permissions.INTERVIEWERS],
    "manager": [permissions.HR, permissions.PEOPLE_MANAGERS],
    "admin": [permissions.ADMINS],
    "outsider": [],
}


def make_personas(password: str = "demo") -> Personas:
    users = {}
    for name, groups in PERSONA_GROUPS.items():
        user = User.objects.create_user(username=name, email=f"{name}@example.com", password=password,
                                        first_name=name.capitalize())
        if name == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])
        users[name] = user
    return Personas(**users)


def sign_in(client, user):
    """Sign `user` in on `client` as a browser would: after signing in, the session holds the user's
    group names (roles.middleware), so query counts measured afterwards are those of every later page."""
    client.force_login(user)
    client.get("/accounts/login/")
    client.get("/roles/")
    return client
