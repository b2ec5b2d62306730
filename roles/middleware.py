"""Per-request facts about the signed-in user, kept in the session so that pages don't re-query them."""
import time

from django.conf import settings

GROUPS_KEY = "_portal_groups"


class SessionGroupsMiddleware:
    """Loads the user's group names from the session (refreshing them every minute) onto request.user,
    where roles.permissions reads them instead of running a query per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = request.session.get(GROUPS_KEY)
            now = time.time()
            # A group change reaches a signed-in session within this many seconds (at once on sign-in).
            max_age = settings.PORTAL_GROUPS_MAX_AGE
            if cached and cached.get("user") == user.pk and now - cached.get("at", 0) < max_age:
                user._group_names = set(cached["names"])
            else:
                names = sorted(user.groups.values_list("name", flat=True))
                request.session[GROUPS_KEY] = {"user": user.pk, "at": now, "names": names}
                user._group_names = set(names)
        return self.get_response(request)
