"""Every write to users, their sessions and the access log of full reads."""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import models, transaction
from django.utils import timezone

from .models import SensitiveAccess, User

logger = logging.getLogger("apps.accounts")


def end_user_sessions(*, user: User) -> int:
    """Delete every stored session of `user`; returns how many were ended.

    Sessions are not indexed by user, so the unexpired ones are decoded in chunks;
    there are only as many as people logged in during the last idle period.
    Only database-backed session engines (db, cached_db) can be enumerated.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return 0
    session_model = store_class.get_model_class()
    store = store_class()
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=1000)
        if str(store.decode(session.session_data).get(SESSION_KEY)) == user_id
    ]
    session_model.objects.filter(session_key__in=keys).delete()
    if keys and hasattr(store_class, "cache_key_prefix"):  # cached_db keeps a copy in the cache too
        caches[settings.SESSION_CACHE_ALIAS].delete_many([store_class.cache_key_prefix + key for key in keys])
    return len(keys)


@transaction.atomic
def deactivate_user(*, user: User, by: User | None) -> int:
    """Disable `user` and end all their sessions at once; returns the number of sessions ended.

    Rule: a disabled user can do nothing from the next request on. Django's
    ModelBackend already refuses inactive users when it loads the session's user;
    deleting the sessions as well leaves nothing behind to reuse if the user is
    enabled again later.
    """
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = end_user_sessions(user=user)
    logger.info(
        "user disabled: user=%s id=%s by=%s sessions_ended=%d",
        user.get_username(),
        user.pk,
        by.get_username() if by is not None else "-",
        ended,
    )
    return ended


def record_sensitive_access(
    *, actor, action: str, subject: models.Model | None, organization, detail: str = ""
) -> SensitiveAccess:
    """Write who read what in full. `subject` is the record (its str() is the label, a
    name, never the protected value); `detail` says what was read ("id_number", a filter)."""
    return SensitiveAccess.objects.create(
        actor=actor,
        action=action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        subject_label=str(subject)[:200] if subject is not None else "",
        organization=organization,
        detail=detail[:500],
    )
