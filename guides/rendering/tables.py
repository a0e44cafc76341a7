"""Data tables that guides embed with ``[[table:name]]``.

Numbers are never retyped into prose: each table is rendered from the models.
Each renderer returns ``(html, source_keys)``; the pipeline turns the keys
into numbered citations under the table.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..models import Food, IntakeValue, Interaction, SupplementForm


def _num(value, suffix=""):
    if value is None:
        return "—"
    value = float(value)
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return text + suffix


def _cell(index, value, numeric):
    cls = mark_safe(' class="num"') if index in numeric else ""
    if index == 0:
        return format_html('<th scope="row"{}>{}</th>', cls, value)
    return format_html("<td{}>{}</td>", cls, value)


def _table(label, headers, rows, numeric=(), row_ids=None):
    """A captioned table in a scrollable, focusable region. ``row_ids`` gives each <tr> an anchor."""
    head = format_html_join(
        "", '<th scope="col"{}>{}</th>',
        ((mark_safe(' class="num"') if i in numeric else "", h) for i, h in enumerate(headers)),
    )
    ids = row_ids or [""] * len(rows)
    body = format_html_join(
        "", "<tr{}>{}</tr>",
        # Each cell is built by format_html, which escapes its value.
        ((format_html(' id="{}"', row_id) if row_id else "",
          mark_safe("".join(_cell(i, cell, numeric) for i, cell in enumerate(row))))  # noqa: S308
         for row_id, row in zip(ids, rows, strict=True)),
    )
    return format_html(
        '<div class="table-wrap" role="region" aria-label="{}" tabindex="0">'
        '<table class="data-table"><caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>',
        label, label, head, body,
    )


def _keys(queryset):
    keys = []
    for obj in queryset:
        for ref in obj.sources.all():
            if ref.key not in keys:
                keys.append(ref.key)
    return keys


def _intake(kind_filter):
    """Rows (age and stage, sex, amount, kind) of the intake values of the given kinds, and their source keys."""
    stages = [IntakeValue.Stage.NONE, IntakeValue.Stage.PREGNANT, IntakeValue.Stage.BREASTFEEDING]
    values = sorted(IntakeValue.objects.filter(kind__in=kind_filter).prefetch_related("sources"),
                    key=lambda v: (stages.index(v.stage), v.age_min, v.sex))
    rows = []
    for v in values:
        who = v.label
        if v.stage != IntakeValue.Stage.NONE:
            who = f"{v.get_stage_display()}, {v.label}"
        amount = _num(v.amount_mg, " mg") if v.amount_mg is not None else "Not established"
        rows.append((who, v.get_sex_display() if v.sex != "any" else "All", amount, v.kind))
    return rows, _keys(values)


def magnesium_rda():
    rows, keys = _intake(["RDA", "AI"])
    html = _table("Magnesium you need each day (RDA or AI)", ["Age and stage", "Sex", "Per day", "Type"], rows, {2})
    return html, keys


def magnesium_ul():
    values = list(IntakeValue.objects.filter(kind="UL").prefetch_related("sources"))
    rows = [
        (v.label, _num(v.amount_mg, " mg") if v.amount_mg is not None else "Not established", v.note)
        for v in values
    ]
    html = _table(
        "Upper limit for magnesium from supplements and medicines",
        ["Age", "Upper limit per day", "Applies to"], rows, {1},
    )
    return html, _keys(values)


def _foods(nutrient, label):
    field = f"{nutrient}_mg"
    foods = list(
        Food.objects.filter(**{f"{field}__isnull": False}).order_by(f"-{field}", "name").prefetch_related("sources")
    )
    rows = [(f.name, f.serving, _num(getattr(f, field), " mg"), _num(f.percent_dv(nutrient), "%")) for f in foods]
    html = _table(label, ["Food", "Serving", f"{nutrient.capitalize()}", "% Daily Value"], rows, {2, 3})
    return html, _keys(foods)


def foods_magnesium():
    return _foods("magnesium", "Magnesium in common foods")


def foods_potassium():
    return _foods("potassium", "Potassium in common foods")


def foods_calcium():
    return _foods("calcium", "Calcium in common foods")


def supplement_forms():
    forms = list(SupplementForm.objects.prefetch_related("sources"))
    rows = [
        (f.name, _num(f.elemental_percent, "%"), f.get_evidence_display(), f.laxative_effect, f.best_for)
        for f in forms
    ]
    html = _table(
        "Magnesium supplement forms compared",
        ["Form", "Elemental magnesium", "Absorption evidence", "Laxative effect", "Used for"], rows, {1},
    )
    return html, _keys(forms)


def interactions():
    meds = list(Interaction.objects.prefetch_related("sources"))
    rows = [(m.name, m.get_effect_display(), m.what_to_do) for m in meds]
    html = _table("Medicines and magnesium", ["Medicine", "What happens", "What to do"], rows,
                  row_ids=[f"med-{m.slug}" for m in meds])
    return html, _keys(meds)


TABLES = {
    "magnesium-rda": magnesium_rda,
    "magnesium-ul": magnesium_ul,
    "foods-magnesium": foods_magnesium,
    "foods-potassium": foods_potassium,
    "foods-calcium": foods_calcium,
    "supplement-forms": supplement_forms,
    "interactions": interactions,
}


def render(name):
    return TABLES[name]()
