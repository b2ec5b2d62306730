"""A user's groups decide everything they may see, and a signed-in session keeps their names
(roles.middleware) so that pages don't query them. When the groups change, the session must learn it
on its very next request, in whichever process serves it: every change bumps a per-user "groups
version" in the shared cache, and the middleware compares it with the one the session read.

Changes covered: adding, removing or clearing from either side of User.groups, deleting a group, and
renaming one (permissions go by group name). If the cache cannot be reached when a change is made, the
session re-reads its groups after PORTAL_GROUPS_MAX_AGE seconds at the latest.
"""
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

User = get_user_model()


def _key(user_id: int) -> str:
    return f"portal:groups-version:{user_id}"


def groups_version(user_id: int) -> str | None:
    """The user's current groups version (None until their groups first change)."""
    return cache.get(_key(user_id))


def bump_groups_version(user_ids) -> None:
    """Mark the group names that sessions hold for these users as stale, once the change is committed
    (a session reloading before the commit would read the old groups again)."""
    ids = sorted(set(user_ids))
    if ids:
        version = uuid.uuid4().hex
        transaction.on_commit(lambda: cache.set_many({_key(pk): version for pk in ids}, timeout=None))


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:  # user.groups.add(...): the instance is the user
        bump_groups_version([instance.pk])
    elif action == "pre_clear":  # group.user_set.clear(): the members are gone by post_clear
        bump_groups_version(instance.user_set.values_list("pk", flat=True))
    else:  # group.user_set.add(...): pk_set holds the users
        bump_groups_version(pk_set or ())


@receiver(pre_delete, sender=Group)
def _group_deleted(sender, instance, **kwargs):
    bump_groups_version(instance.user_set.values_list("pk", flat=True))


@receiver(post_save, sender=Group)
def _group_saved(sender, instance, created, **kwargs):
    if not created:  # a rename changes what every member may do
        bump_groups_version(instance.user_set.values_list("pk", flat=True))
