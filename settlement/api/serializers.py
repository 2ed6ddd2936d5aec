from __future__ import annotations

from rest_framework import serializers

from ..models import Deposit, DepositEntry


class DepositEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = DepositEntry
        fields = ["id", "kind", "amount", "on", "reason", "status", "recorded_at", "decided_at"]
        read_only_fields = fields


class DepositSerializer(serializers.ModelSerializer):
    refundable = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    entries = DepositEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Deposit
        fields = [
            "id",
            "merchant",
            "required",
            "received",
            "deducted",
            "refunded",
            "refundable",
            "status",
            "refund_due",
            "entries",
        ]
        read_only_fields = fields


class ReceiveSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text='Yuan received, at most 2 decimals ("20000.00").')
    received_on = serializers.DateField(help_text="The day the money arrived (YYYY-MM-DD), not in the future.")


class DeductSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text='Yuan to deduct, at most 2 decimals ("5000.00").')
    reason = serializers.CharField(help_text="The breach (false delivery, counterfeit, an arbitration outcome).")


class DecideDeductionSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="The pending deduction's id.")
    approve = serializers.BooleanField(help_text="true approves the deduction, false rejects it.")


class RefundSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text='Yuan refunded, at most 2 decimals ("20000.00").')
    refunded_on = serializers.DateField(help_text="The day of the refund (YYYY-MM-DD), not in the future.")
