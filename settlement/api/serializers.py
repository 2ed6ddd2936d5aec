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


class CardTransactionRowSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(help_text="The signed merchant's id.")
    date = serializers.DateField(
        help_text="The day of consumption (YYYY-MM-DD), not before signing, not in the future."
    )
    amount = serializers.CharField(help_text='Yuan as a string, at most 2 decimals, not negative ("1234.50").')
    reference = serializers.CharField(max_length=64, help_text="The card system's key of the transaction (unique).")


class CardImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Transactions new to the platform.")
    unchanged = serializers.IntegerField(help_text="Rows whose reference was on file with the same figures.")


class CardRowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the list, from 0.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name (merchant, date, amount, reference, non_field_errors) → messages.",
    )


class CardBatchErrorSerializer(serializers.Serializer):
    rows = CardRowErrorSerializer(many=True, required=False, help_text="The rows at fault (code invalid_rows).")
    detail = serializers.CharField(required=False)
    code = serializers.CharField(
        required=False, help_text="invalid_rows, not_a_list, empty, too_many_rows or parse_error."
    )
    max_rows = serializers.IntegerField(required=False, help_text="With too_many_rows: the limit.")
