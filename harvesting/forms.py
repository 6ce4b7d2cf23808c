"""Forms of the harvesting pages: they validate input; services decide and write."""

from __future__ import annotations

import re

from django import forms

from harvesting.models import Proposal
from portfolios.imports.errors import FileErrors
from portfolios.imports.jsonfile import load_json_text

SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{0,31}$")


def clean_symbol(value: str) -> str:
    value = (value or "").strip().upper()
    if not SYMBOL.match(value):
        raise forms.ValidationError(f"{value or 'empty'!s} is not a valid symbol")
    return value


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "All statuses"), *Proposal.STATUSES]
    )
    household = forms.CharField(required=False, max_length=64)


class ApproveForm(forms.Form):
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2, "placeholder": "Optional note for the audit trail"}))


class RejectForm(forms.Form):
    comment = forms.CharField(max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2, "placeholder": "Why is this proposal rejected? (required)"}),
        error_messages={"required": "Say why: a rejection needs a comment."})

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError("Say why: a rejection needs a comment.")
        return comment


class LegExcludeForm(forms.Form):
    excluded = forms.BooleanField(required=False)


class BulkApproveForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], error_messages={
        "required": "Select at least one proposal to approve."})

    def __init__(self, *args, proposal_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(str(i), str(i)) for i in proposal_ids]

    def clean_ids(self):
        return self.cleaned_data["ids"]


class FillsForm(forms.Form):
    fills = forms.FileField(
        required=False,
        help_text="CSV of the fills from the custodian. Leave empty in the demo to simulate "
        "fills at the proposal's as-of close.",
    )

    def __init__(self, *args, demo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.demo = demo

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("fills")
        if upload is None:
            if not self.demo:
                raise forms.ValidationError("Upload the fills CSV.")
            cleaned["fills_csv"] = None
            return cleaned
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The fills file is larger than 5 MB.")
        try:
            cleaned["fills_csv"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The fills file is not UTF-8 text.") from None
        return cleaned


class PolicyForm(forms.Form):
    min_loss_dollars = forms.DecimalField(
        label="Minimum loss ($)", min_value=0, max_digits=18, decimal_places=2)
    min_loss_percent = forms.DecimalField(
        label="Minimum loss (fraction of basis)", min_value=0, max_value=1, max_digits=7,
        decimal_places=5, help_text="0.05 = 5%")
    require_both = forms.BooleanField(
        label="Require both thresholds", required=False)
    excluded_symbols = forms.CharField(
        label="Do-not-trade symbols", required=False, max_length=2000,
        help_text="Comma- or space-separated; never sold or bought.")
    swap_back = forms.BooleanField(label="Swap back after 31 days", required=False)
    stale_price_tolerance = forms.DecimalField(
        label="Stale price tolerance (fraction)", min_value=0, max_value=1, max_digits=7,
        decimal_places=5, help_text="0.03 = 3%")
    max_age_days = forms.IntegerField(label="Proposal lifetime (days)", min_value=0,
                                      max_value=365)

    def clean_excluded_symbols(self):
        raw = self.cleaned_data.get("excluded_symbols") or ""
        symbols = [s for s in re.split(r"[\s,;]+", raw) if s]
        return sorted({clean_symbol(s) for s in symbols})

    @classmethod
    def initial_from(cls, policy) -> dict:
        return {
            "min_loss_dollars": policy.min_loss_dollars,
            "min_loss_percent": policy.min_loss_percent,
            "require_both": policy.require_both,
            "excluded_symbols": ", ".join(policy.excluded_symbols or []),
            "swap_back": policy.swap_back,
            "stale_price_tolerance": policy.stale_price_tolerance,
            "max_age_days": policy.max_age_days,
        }


class SwapPairForm(forms.Form):
    from_symbol = forms.CharField(label="From", max_length=32)
    to_symbol = forms.CharField(label="To", max_length=32)
    rank = forms.IntegerField(min_value=1, max_value=1000, initial=1)

    def clean_from_symbol(self):
        return clean_symbol(self.cleaned_data["from_symbol"])

    def clean_to_symbol(self):
        return clean_symbol(self.cleaned_data["to_symbol"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_symbol") and cleaned.get("from_symbol") == cleaned.get("to_symbol"):
            raise forms.ValidationError("A security cannot replace itself.")
        return cleaned


class IdenticalGroupForm(forms.Form):
    symbols = forms.CharField(
        max_length=2000,
        help_text="Symbols treated as substantially identical, comma- or space-separated.",
        widget=forms.TextInput(attrs={"placeholder": "VOO, IVV, SPY"}),
    )

    def clean_symbols(self):
        raw = self.cleaned_data["symbols"]
        symbols = []
        for s in re.split(r"[\s,;]+", raw):
            if s:
                symbol = clean_symbol(s)
                if symbol not in symbols:
                    symbols.append(symbol)
        if len(symbols) < 2:
            raise forms.ValidationError("A group needs at least two symbols.")
        return symbols


class SwapListImportForm(forms.Form):
    file = forms.FileField(help_text="The swap-list JSON file (FORMATS §2). It replaces the "
                           "whole list.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        try:
            # The importer's own reader: floats survive parsing only to be refused by name.
            return load_json_text(text)
        except FileErrors as exc:
            raise forms.ValidationError(f"Not a JSON file: {exc}") from None


class RunStartForm(forms.Form):
    as_of = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
