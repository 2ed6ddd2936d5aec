"""One way to move a record through a workflow (SPEC.md: every transition is recorded).

A workflow is a transition table as data (``{from_status: {to_status, ...}}``) and one
function that moves the status: it refuses a move the table does not allow with
``InvalidTransition`` (→ 409), moves the row with a conditional update on the status it
was read with (so of two concurrent decisions, or two runs of a job, only one wins), and
writes the history row — who, when, from, to and why — in the same transaction.

Used by applications and merchants (merchants/), rate requests (commissions/), complaints
and payroll runs. Models keep their history in a subclass of ``StatusChange``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import InvalidTransition


class StatusChange(models.Model):
    """One move of a record's status (who, when, from, to, why). Never deleted.

    A subclass adds the foreign key to its record (named as ``Workflow.subject``, with
    ``related_name="status_changes"``) and, if it likes, ``choices`` on the two statuses.
    """

    from_status = models.CharField(gettext_lazy("from"), max_length=30)
    to_status = models.CharField(gettext_lazy("to"), max_length=30)
    reason = models.TextField(gettext_lazy("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(gettext_lazy("changed at"))

    class Meta:
        abstract = True
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


def _label(labels, status: str) -> str:
    if labels is None:
        return status
    try:
        return str(labels(status).label)
    except ValueError:
        return status


@dataclass(frozen=True)
class Workflow:
    """A transition table and the one function that moves records through it.

    ``model``: the record's model; ``history``: its ``StatusChange`` subclass, whose
    foreign key to the record is named ``subject``; ``transitions``: from → allowed tos;
    ``labels``: the status ``TextChoices`` (for messages); ``noun``: what the record is
    called in messages ("application"); ``changed_at_field``: a field on the record stamped
    with the moment of each move, if it has one.
    """

    model: type[models.Model]
    history: type[StatusChange]
    subject: str
    transitions: Mapping[str, Iterable[str]]
    labels: type[models.TextChoices] | None = None
    noun: str = gettext_lazy("record")
    status_field: str = "status"
    changed_at_field: str | None = None
    _table: dict = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self):
        object.__setattr__(self, "_table", {src: frozenset(dst) for src, dst in self.transitions.items()})

    # --- reading the table -----------------------------------------------------------

    def allowed(self, from_status: str) -> frozenset[str]:
        return self._table.get(from_status, frozenset())

    def can(self, from_status: str, to_status: str) -> bool:
        return to_status in self.allowed(from_status)

    def label(self, status: str) -> str:
        return _label(self.labels, status)

    def require(self, record, allowed: Iterable[str], message: str | None = None) -> None:
        """Refuse (409) an action that is only allowed while the record is in ``allowed``."""
        status = getattr(record, self.status_field)
        if status not in set(allowed):
            raise InvalidTransition(
                message
                or _("This action is not allowed while the %(noun)s is “%(status)s”.")
                % {"noun": self.noun, "status": self.label(status)},
                extra={"status": status},
            )

    # --- moving ----------------------------------------------------------------------

    def move(self, record, to_status: str, *, by=None, reason: str = "", fields: dict | None = None, now=None):
        """Move ``record`` to ``to_status``, save ``fields`` with it, write the history row.

        Raises ``InvalidTransition`` when the table does not allow the move or when someone
        moved the record since it was read (the conditional update found no row).
        """
        from_status = getattr(record, self.status_field)
        if not self.can(from_status, to_status):
            raise InvalidTransition(
                _("A %(noun)s that is “%(from)s” cannot become “%(to)s”.")
                % {"noun": self.noun, "from": self.label(from_status), "to": self.label(to_status)},
                extra={"status": from_status},
            )
        now = now or timezone.now()
        updates = dict(fields or {})
        updates[self.status_field] = to_status
        if self.changed_at_field:
            updates[self.changed_at_field] = now
        if any(f.name == "updated_at" for f in self.model._meta.concrete_fields) and "updated_at" not in updates:
            updates["updated_at"] = now
        with transaction.atomic():
            moved = self.model._default_manager.filter(pk=record.pk, **{self.status_field: from_status}).update(
                **updates
            )
            if not moved:
                raise InvalidTransition(
                    _("The %(noun)s was changed by someone else; reload and try again.") % {"noun": self.noun},
                    code="conflict",
                )
            for name, value in updates.items():
                setattr(record, name, value)
            self.history._default_manager.create(
                **{self.subject: record},
                from_status=from_status,
                to_status=to_status,
                reason=reason or "",
                changed_by=by if getattr(by, "pk", None) else None,
                changed_at=now,
            )
        return record
