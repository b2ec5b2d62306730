"""Per-request facts about the signed-in user, kept in the session so that pages don't re-query them."""
import time

from django.conf import settings

from roles.group_changes import groups_version

GROUPS_KEY = "_portal_groups"


class SessionGroupsMiddleware:
    """Loads the user's group names from the session onto request.user, where roles.permissions reads
    them instead of running a query per request. They are read again from the database when the user's
    groups version (roles.group_changes, one cache read) differs from the one the session holds, so a
    change applies on the very next request; and, should the cache have missed a change, every
    PORTAL_GROUPS_MAX_AGE seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = request.session.get(GROUPS_KEY)
            now = time.time()
            version = groups_version(user.pk)
            if (cached and cached.get("user") == user.pk and cached.get("version") == version
                    and now - cached.get("at", 0) < settings.PORTAL_GROUPS_MAX_AGE):
                user._group_names = set(cached["names"])
            else:
                names = sorted(user.groups.values_list("name", flat=True))
                request.session[GROUPS_KEY] = {"user": user.pk, "at": now, "names": names, "version": version}
                user._group_names = set(names)
        return self.get_response(request)
