import datetime as dt

from .models import PayProfile


def pay_profile_on(user, day: dt.date) -> PayProfile | None:
    """The pay profile in force for ``user`` on ``day``."""
    return PayProfile.objects.filter(user=user, effective_from__lte=day).order_by("-effective_from").first()
