"""Data tables that guides embed with ``[[table:name]]``.

Numbers are never retyped into prose: each table is rendered from the models
when the page is rendered (``guides.rendering.resolvers`` fetches and caches
them per content version), so a changed food value is on every guide at once.
``render(names)`` reads each model once, however many of its tables a page
shows, and returns ``placeholders.Table`` objects: the HTML and the keys of
the references the rows cite, which the page numbers after its own citations.
"""

from dataclasses import replace

from django.db.models import F
from django.utils.html import escape

from ..models import Food, IntakeValue, Interaction, Reference, SupplementForm
from .placeholders import Table


def _num(value, suffix=""):
    if value is None:
        return "—"
    value = float(value)
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return text + suffix


def _table(label, headers, rows, numeric=(), row_ids=None):
    """A captioned table in a scrollable, focusable region. ``row_ids`` gives each <tr> an anchor.

    Every value is escaped here; the markup is built with plain string joins, which is
    several times faster than ``format_html`` per cell and matters when nothing is cached.
    """
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if i in numeric else ""}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = []
    for index, row in enumerate(rows):
        row_id = f' id="{escape(row_ids[index])}"' if row_ids else ""
        cells = [f'<th scope="row"{num if 0 in numeric else ""}>{escape(row[0])}</th>']
        cells += [f"<td{num if i in numeric else ''}>{escape(cell)}</td>" for i, cell in enumerate(row) if i]
        body.append(f"<tr{row_id}>{''.join(cells)}</tr>")
    label = escape(label)
    return (
        f'<div class="table-wrap" role="region" aria-label="{label}" tabindex="0">'
        f'<table class="data-table"><caption>{label}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


REFERENCE_FIELDS = ("key", "authors", "title", "container", "year", "volume", "issue", "pages", "doi", "pmid", "url")


def _with_sources(queryset, references):
    """``[(row, source_keys)]`` in the queryset's order, in one query (a join on the sources).

    The sources' details come with the join, into ``references`` (key -> Reference), so a page's
    source list needs no further query.
    """
    joined = {f"source_{name}": F(f"sources__{name}") for name in REFERENCE_FIELDS}
    rows = {}
    for obj in queryset.annotate(**joined):
        row, keys = rows.setdefault(obj.pk, (obj, []))
        key = obj.source_key
        if key is not None:
            keys.append(key)
            if key not in references:
                references[key] = Reference(**{name: getattr(obj, f"source_{name}") for name in REFERENCE_FIELDS})
    return [(row, sorted(keys)) for row, keys in rows.values()]


def _keys(rows):
    """The source keys of ``rows``, in order of first use."""
    return tuple(dict.fromkeys(key for _row, keys in rows for key in keys))


def _intake(rows, kinds):
    stages = [IntakeValue.Stage.NONE, IntakeValue.Stage.PREGNANT, IntakeValue.Stage.BREASTFEEDING]
    chosen = sorted(
        ((v, keys) for v, keys in rows if v.kind in kinds),
        key=lambda item: (stages.index(item[0].stage), item[0].age_min, item[0].sex),
    )
    return chosen


def magnesium_rda(rows):
    chosen = _intake(rows, ("RDA", "AI"))
    cells = []
    for v, _keys_of_row in chosen:
        who = v.label if v.stage == IntakeValue.Stage.NONE else f"{v.get_stage_display()}, {v.label}"
        amount = _num(v.amount_mg, " mg") if v.amount_mg is not None else "Not established"
        cells.append((who, v.get_sex_display() if v.sex != "any" else "All", amount, v.kind))
    html = _table("Magnesium you need each day (RDA or AI)", ["Age and stage", "Sex", "Per day", "Type"], cells, {2})
    return Table(html, _keys(chosen))


def magnesium_ul(rows):
    chosen = [(v, keys) for v, keys in rows if v.kind == "UL"]
    cells = [
        (v.label, _num(v.amount_mg, " mg") if v.amount_mg is not None else "Not established", v.note)
        for v, _keys_of_row in chosen
    ]
    html = _table(
        "Upper limit for magnesium from supplements and medicines",
        ["Age", "Upper limit per day", "Applies to"],
        cells,
        {1},
    )
    return Table(html, _keys(chosen))


def _foods(rows, nutrient, label):
    field = f"{nutrient}_mg"
    chosen = sorted(
        ((f, keys) for f, keys in rows if getattr(f, field) is not None),
        key=lambda item: (-getattr(item[0], field), item[0].name),
    )
    cells = [(f.name, f.serving, _num(getattr(f, field), " mg"), _num(f.percent_dv(nutrient), "%")) for f, _k in chosen]
    html = _table(label, ["Food", "Serving", nutrient.capitalize(), "% Daily Value"], cells, {2, 3})
    return Table(html, _keys(chosen))


def foods_magnesium(rows):
    return _foods(rows, "magnesium", "Magnesium in common foods")


def foods_potassium(rows):
    return _foods(rows, "potassium", "Potassium in common foods")


def foods_calcium(rows):
    return _foods(rows, "calcium", "Calcium in common foods")


def supplement_forms(rows):
    cells = [
        (f.name, _num(f.elemental_percent, "%"), f.get_evidence_display(), f.laxative_effect, f.best_for)
        for f, _keys_of_row in rows
    ]
    html = _table(
        "Magnesium supplement forms compared",
        ["Form", "Elemental magnesium", "Absorption evidence", "Laxative effect", "Used for"],
        cells,
        {1},
    )
    return Table(html, _keys(rows))


def interactions(rows):
    cells = [(m.name, m.get_effect_display(), m.what_to_do) for m, _keys_of_row in rows]
    html = _table(
        "Medicines and magnesium",
        ["Medicine", "What happens", "What to do"],
        cells,
        row_ids=[f"med-{m.slug}" for m, _keys_of_row in rows],
    )
    return Table(html, _keys(rows))


# Each table: the rows it is drawn from, and its renderer. Tables drawn from the same rows share one query.
SOURCES = {
    "intake": IntakeValue.objects.all,
    "foods": Food.objects.all,
    "supplements": SupplementForm.objects.all,
    "interactions": Interaction.objects.all,
}
TABLES = {
    "magnesium-rda": ("intake", magnesium_rda),
    "magnesium-ul": ("intake", magnesium_ul),
    "foods-magnesium": ("foods", foods_magnesium),
    "foods-potassium": ("foods", foods_potassium),
    "foods-calcium": ("foods", foods_calcium),
    "supplement-forms": ("supplements", supplement_forms),
    "interactions": ("interactions", interactions),
}


def render(names):
    """``{name: Table}`` for the known ``names``: each model is read once, its sources with it."""
    rows, tables, references = {}, {}, {}
    for name in names:
        if name not in TABLES:
            continue
        source, renderer = TABLES[name]
        if source not in rows:
            rows[source] = _with_sources(SOURCES[source](), references)
        tables[name] = renderer(rows[source])
    return {
        name: replace(table, references=tuple(references[k] for k in table.source_keys if k in references))
        for name, table in tables.items()
    }
