"""Deposits follow the merchant's life without merchants knowing settlement: a receiver on
the merchant's status history opens the deposit when it signs (prospect → active) and sets
the refund's due date when it is terminated."""

from __future__ import annotations

from django.db.models.signals import post_save

from merchants.models import MerchantStatus, MerchantStatusChange


def _on_status_change(sender, instance: MerchantStatusChange, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    from . import services

    if instance.from_status == MerchantStatus.PROSPECT and instance.to_status == MerchantStatus.ACTIVE:
        services.deposit_open(merchant=instance.merchant)
    elif instance.to_status == MerchantStatus.TERMINATED:
        services.deposit_terminate(merchant=instance.merchant)


def connect() -> None:
    post_save.connect(_on_status_change, sender=MerchantStatusChange, dispatch_uid="settlement.deposit_lifecycle")
