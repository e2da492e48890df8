from django.utils.functional import SimpleLazyObject

from partnership.selectors import partnerships_for_user


def portal(request):
    """The partnerships the user belongs to, for the service navigation; read only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_partnerships": []}
    return {"nav_partnerships": SimpleLazyObject(lambda: list(partnerships_for_user(user=user)))}
