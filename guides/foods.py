"""The food table and its CSV download: sortable, filterable, every value from the Food rows."""

import csv

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .cache import cached_page
from .models import Food

FOOD_SORTS = {
    "name": ("name",),
    "magnesium": ("-magnesium_mg", "name"),
    "potassium": ("-potassium_mg", "name"),
    "calcium": ("-calcium_mg", "name"),
    "sodium": ("-sodium_mg", "name"),
}


def _food_rows(request):
    sort = request.GET.get("sort", "magnesium")
    if sort not in FOOD_SORTS:
        sort = "magnesium"
    category = request.GET.get("category", "")
    if category not in Food.Category.values:
        category = ""
    foods = Food.objects.all()
    if category:
        foods = foods.filter(category=category)
    order = [F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc() for f in FOOD_SORTS[sort]]
    return sort, category, list(foods.order_by(*order))


@require_safe
@cached_page
def food_list(request):
    sort, category, foods = _food_rows(request)
    top = max((float(f.magnesium_mg) for f in foods if f.magnesium_mg is not None), default=0)
    chart = [f for f in foods if f.magnesium_mg is not None]
    return render(
        request,
        "guides/foods.html",
        {
            "foods": foods,
            "sort": sort,
            "category": category,
            "categories": Food.Category.choices,
            "chart": chart,
            "chart_max": top,
            "daily_values": Food.DAILY_VALUES,
            "sorts": [(key, key.capitalize()) for key in FOOD_SORTS],
        },
    )


@require_safe
def food_csv(request):
    _sort, _category, foods = _food_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="magnesium-food-sources.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "food",
            "category",
            "serving",
            "magnesium_mg",
            "magnesium_dv_pct",
            "potassium_mg",
            "potassium_dv_pct",
            "calcium_mg",
            "calcium_dv_pct",
            "sodium_mg",
            "sodium_dv_pct",
        ]
    )
    for f in foods:
        row = [_csv_safe(f.name), f.get_category_display(), _csv_safe(f.serving)]
        for nutrient in Food.NUTRIENTS:
            value = getattr(f, f"{nutrient}_mg")
            row += ["" if value is None else value, "" if value is None else f.percent_dv(nutrient)]
        writer.writerow(row)
    return response


def _csv_safe(text):
    """Stop spreadsheet formula injection."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
