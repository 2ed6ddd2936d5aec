"""Months of a terminal's POS service fee counted as paid (``PosFeeCredit``): read here.
They are written by ``compensation.services.pos_fee_credits`` (today: a merchant's credit
points redemption, ``alliance.redemptions``) and never added, edited or deleted here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workplace.people import person_column

from ..models import PosFeeCredit
from .common import ReadOnlyAdmin, _month


@admin.register(PosFeeCredit)
class PosFeeCreditAdmin(ReadOnlyAdmin):
    list_display = ["terminal_serial", "merchant", "month_shown", "source", "created_by_name", "created_at"]
    list_select_related = ["terminal__merchant", "created_by"]
    search_fields = ["terminal__serial", "terminal__merchant__name", "source"]
    ordering = ["-month", "terminal__serial"]
    fields = ["terminal", "month", "source", "created_by_name", "created_at"]
    readonly_fields = fields
    date_hierarchy = "month"
    created_by_name = person_column("created_by", _("recorded by"))

    @admin.display(description=_("POS terminal"), ordering="terminal__serial")
    def terminal_serial(self, obj):
        return obj.terminal.serial

    @admin.display(description=_("merchant"), ordering="terminal__merchant__name")
    def merchant(self, obj):
        return obj.terminal.merchant.name

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, obj):
        return _month(obj.month)
