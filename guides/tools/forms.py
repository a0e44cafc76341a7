"""Forms for the reader tools: every parameter validated, errors shown beside its field."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from . import intake, labs, numbers

NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class NumberField(forms.DecimalField):
    """A plain decimal number, like 35 or 0.5.

    Rejects, with one clear message, what ``Decimal`` would accept but a
    person never means: NaN, inf, exponents (1e309), NUL bytes and very long
    input (a 5,000-digit number).
    """

    default_error_messages = {"invalid": "Enter a number, like 35 or 0.5."}

    def __init__(self, *, max_length=12, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if len(text) > self.max_length:
            raise ValidationError("That number is too long. Enter a number, like 35 or 0.5.", code="too_long")
        if not NUMBER_RE.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"step": "any", "inputmode": "decimal"})
        return attrs


class RedisplayForm(forms.Form):
    """A form that, once validated, shows typed values back without NUL bytes and cut to 100 characters.

    Validation sees the raw input; only the re-rendered form is tidied.
    """

    redisplay_length = 100

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            tidy = QueryDict(mutable=True)
            for key in self.data:
                values = self.data.getlist(key) if hasattr(self.data, "getlist") else [self.data[key]]
                tidy.setlist(key, [str(v).replace("\x00", "")[: self.redisplay_length] for v in values])
            self.data = tidy


def range_messages(message, required=None):
    """The same message for a value that is too low or too high."""
    messages = {"min_value": message, "max_value": message}
    if required:
        messages["required"] = required
    return messages


class CalculatorForm(RedisplayForm):
    """Who the person is, and the supplement they take. Food lines are separate forms."""

    age = NumberField(
        label="Age in years",
        min_value=0,
        max_value=120,
        help_text="For a baby, use decimals: 0.5 is 6 months.",
        error_messages=range_messages("Enter an age from 0 to 120 years.", "Enter an age in years."),
    )
    sex = forms.ChoiceField(
        label="Sex",
        required=False,
        choices=[("", "Not given"), ("female", "Female"), ("male", "Male")],
        help_text="Needed from age 14, when the amounts for females and males differ.",
        error_messages={"invalid_choice": "Choose female or male."},
    )
    stage = forms.ChoiceField(
        label="Pregnant or breastfeeding",
        required=False,
        choices=[("", "Neither"), ("pregnant", "Pregnant"), ("breastfeeding", "Breastfeeding")],
        error_messages={"invalid_choice": "Choose pregnant, breastfeeding or neither."},
    )
    supplement = forms.ChoiceField(
        label="Supplement form",
        required=False,
        error_messages={"invalid_choice": "Choose a form from the list."},
    )
    supplement_mg = NumberField(
        label="Milligrams of the compound on the label",
        required=False,
        min_value=Decimal("0.1"),
        max_value=10000,
        help_text="For example 500 for a 500 mg magnesium oxide tablet. Add up all the tablets you take in a day.",
        error_messages=range_messages("Enter an amount from 0.1 to 10,000 mg."),
    )
    elemental_mg = NumberField(
        label="Or: milligrams of elemental magnesium",
        required=False,
        min_value=0,
        max_value=5000,
        help_text="Use this if the label gives the amount of magnesium itself.",
        error_messages=range_messages("Enter an amount from 0 to 5,000 mg."),
    )

    def __init__(self, *args, rows, supplement_forms, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["sex"].show_optional = False  # needed from age 14; the help text says so
        self.fields["supplement"].choices = [("", "None")] + [
            (f.slug, f"{f.name} ({numbers.plain_number(f.elemental_percent, 1)}% magnesium)") for f in supplement_forms
        ]

    def clean(self):
        data = super().clean()
        age, sex, stage = data.get("age"), data.get("sex", ""), data.get("stage", "")
        if stage and sex == "male":
            self.add_error("stage", "Pregnancy and breastfeeding values are for females. Choose female, or Neither.")
        elif age is not None and not self.has_error("sex") and not self.has_error("stage"):
            self._check_reference_value(age, sex, stage)
        supplement, compound, elemental = data.get("supplement"), data.get("supplement_mg"), data.get("elemental_mg")
        if supplement and compound is None and not self.has_error("supplement_mg"):
            self.add_error("supplement_mg", "Enter the milligrams of the compound on the label.")
        if compound is not None and not supplement and not self.has_error("supplement"):
            self.add_error("supplement", "Choose the form named on the label.")
        if elemental is not None and (supplement or compound is not None):
            self.add_error(
                "elemental_mg", "Give either the form and its milligrams, or the elemental milligrams, not both."
            )
        return data

    def _check_reference_value(self, age, sex, stage):
        effective_sex = sex or ("female" if stage else "")
        if intake.requirement_row(self.rows, age, effective_sex, stage) is not None:
            return
        if not effective_sex and intake.needs_sex(self.rows, age, stage):
            self.add_error("sex", "Choose female or male: at this age the amounts differ.")
        elif stage and (ages := intake.stage_ages(self.rows, stage)):
            low, high = ages
            span = (
                f"from age {numbers.plain_number(low)}"
                if high is None
                else (f"for ages {numbers.plain_number(low)} to {numbers.plain_number(high - 1)}")
            )
            self.add_error("age", f"Values for {stage} women are set {span}.")
        else:
            self.add_error("age", "We have no reference value for this age.")


class FoodLineForm(RedisplayForm):
    """One ``food``/``servings`` pair. Blank servings mean one serving."""

    use_required_attribute = False  # blank rows are optional; a row with servings needs a food

    food = forms.ChoiceField(
        label="Food",
        error_messages={
            "invalid_choice": "Choose a food from the list.",
            "required": "Choose a food for these servings.",
        },
    )
    servings = NumberField(
        label="Servings",
        required=False,
        min_value=Decimal("0.1"),
        max_value=50,
        error_messages=range_messages("Enter from 0.1 to 50 servings."),
    )

    def __init__(self, *args, foods, number, **kwargs):
        super().__init__(*args, auto_id=f"id_%s_{number}", **kwargs)
        self.fields["food"].label = f"Food {number}"
        self.fields["servings"].label = f"Servings of food {number}"
        self.fields["food"].choices = [("", "Choose a food")] + [
            (f.slug, f"{f.name}, {f.serving} ({numbers.plain_number(f.magnesium_mg, 1)} mg)") for f in foods
        ]


class MedicineForm(RedisplayForm):
    """One ``med`` name, as typed."""

    med = forms.CharField(
        label="Medicine name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "med-names", "autocomplete": "off"}),
        error_messages={
            "max_length": "Enter a name of up to 100 characters.",
            "null_characters_not_allowed": "Remove the hidden (NUL) character from this name.",
        },
    )

    def __init__(self, *args, number, **kwargs):
        super().__init__(*args, auto_id=f"id_%s_{number}", **kwargs)
        self.fields["med"].label = f"Medicine {number}"


class LabUnitsForm(RedisplayForm):
    """A lab result and its unit."""

    analyte = forms.ChoiceField(
        label="Test",
        choices=[("", "Choose")] + [(a.slug, a.name) for a in labs.ANALYTES.values()],
        error_messages={
            "required": "Choose what was measured.",
            "invalid_choice": "Choose magnesium, potassium, sodium or calcium.",
        },
    )
    value = NumberField(
        label="Result",
        min_value=0,
        max_value=1000,
        error_messages=range_messages("Enter a result above 0 and up to 1,000.", "Enter the number on your report."),
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=[("", "Choose")] + [(u, u) for u in labs.UNITS],
        error_messages={
            "required": "Choose the unit on your report.",
            "invalid_choice": "Choose mg/dL, mmol/L or mEq/L.",
        },
    )

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value == 0:
            raise ValidationError("Enter a result above 0 and up to 1,000.")
        return value
