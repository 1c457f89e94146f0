"""Django's ModelBackend, loading the signed-in user with their organization in the same query.

Every page reads request.user.organization (the scope of every query it makes); without the
join that is a second query on every request."""

from django.contrib.auth.backends import ModelBackend


class OrganizationModelBackend(ModelBackend):
    def get_user(self, user_id):
        """ModelBackend.get_user, with select_related("organization")."""
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = model._default_manager.select_related("organization").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
