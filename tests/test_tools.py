"""The reader tools of issue 6: known answers, bad input, citations and markup, on the real content."""

import html
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guides.models import Food, IntakeValue, Interaction
from guides.tools import intake, labs, medicines, numbers
from guides.tools import views as tools

pytestmark = pytest.mark.usefixtures("content")

ROOT = Path(__file__).resolve().parent.parent
CALCULATOR = "/tools/magnesium-calculator/"
INTERACTIONS = "/tools/interactions/"
LAB_UNITS = "/tools/lab-units/"
FIVE_THOUSAND_DIGITS = "9" * 5000


def get(client, path, params=()):
    """GET a tool with repeatable parameters; every answer must be a 200 page."""
    response = client.get(f"{path}?{urlencode(list(params))}" if params else path)
    assert response.status_code == 200
    return response, response.content.decode()


def text_of(page):
    """Visible text, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def field_error(page, field_id):
    """The error message shown beside a field, or None."""
    found = re.search(rf'<p class="error" id="{field_id}_error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def assert_field_marked(page, field_id):
    """The control is flagged invalid and points at its message."""
    tag = re.search(rf'<(?:input|select)[^>]*\bid="{field_id}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in tag
    assert f"{field_id}_error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)


# --- Calculator: known answers ------------------------------------------------

KNOWN_ANSWERS = [
    ({"age": "35", "sex": "female"}, 320, 350),
    ({"age": "25", "stage": "pregnant"}, 350, 350),
    ({"age": "17", "stage": "pregnant"}, 400, 350),
    ({"age": "28", "stage": "breastfeeding"}, 310, 350),
    ({"age": "16", "sex": "male"}, 410, 350),
    ({"age": "70", "sex": "male"}, 420, 350),
    ({"age": "5"}, 130, 110),
    ({"age": "2"}, 80, 65),
]


@pytest.mark.parametrize(("params", "need", "ul"), KNOWN_ANSWERS)
def test_calculator_known_answers(client, params, need, ul):
    response, page = get(client, CALCULATOR, params.items())
    result = response.context["result"]
    assert result.requirement_mg == need
    assert result.ul_mg == ul
    words = text_of(page)
    assert f"{need} mg a day" in words
    assert f"{ul} mg a day of magnesium from supplements" in words


@pytest.mark.parametrize(("params", "need", "ul"), KNOWN_ANSWERS)
def test_intake_logic_known_answers(params, need, ul):
    rows = list(IntakeValue.objects.all())
    result = intake.intake_result(rows, Decimal(params["age"]), params.get("sex", ""), params.get("stage", ""))
    assert result.requirement_mg == need
    assert result.ul_mg == ul


@pytest.mark.parametrize(("age", "need"), [("0", 30), ("0.25", 30), ("0.5", 75), ("0.9", 75)])
def test_infants_accept_decimal_ages_and_have_no_upper_limit(client, age, need):
    response, page = get(client, CALCULATOR, [("age", age)])
    result = response.context["result"]
    assert result.requirement_mg == need
    assert result.requirement.kind == "AI"
    assert result.ul_mg is None
    assert "Not established" in text_of(page)


def test_infant_supplement_warns_that_no_limit_is_set(client):
    _response, page = get(client, CALCULATOR, [("age", "0.5"), ("elemental_mg", "20")])
    assert "No safe supplement amount is set for babies" in text_of(page)


def test_magnesium_oxide_500_mg_is_about_302_mg_elemental(client):
    assert intake.elemental_mg(500, Decimal("60.3")) == Decimal("301.5")
    assert numbers.round_to(intake.elemental_mg(500, Decimal("60.3"))) == 302
    response, page = get(
        client,
        CALCULATOR,
        [("age", "35"), ("sex", "female"), ("supplement", "magnesium-oxide"), ("supplement_mg", "500")],
    )
    result = response.context["result"]
    assert numbers.round_to(result.supplement_mg) == 302
    assert not result.over_ul
    words = text_of(page)
    assert "302 mg elemental magnesium" in words
    assert "60.3%" in words
    assert "within the upper limit of 350 mg" in words
    assert "The supplement is over the upper limit" not in words


def test_two_magnesium_oxide_tablets_are_over_the_upper_limit(client):
    response, page = get(
        client,
        CALCULATOR,
        [("age", "35"), ("sex", "female"), ("supplement", "magnesium-oxide"), ("supplement_mg", "1000")],
    )
    result = response.context["result"]
    assert numbers.round_to(result.supplement_mg) == 603
    assert result.over_ul
    assert "The supplement is over the upper limit" in text_of(page)
    assert 'class="chart-supplement chart-over"' in page


def test_elemental_mg_from_the_label_counts_as_it_is(client):
    response, page = get(client, CALCULATOR, [("age", "40"), ("sex", "male"), ("elemental_mg", "400")])
    result = response.context["result"]
    assert result.supplement_mg == 400
    assert result.over_ul
    assert "The supplement is over the upper limit" in text_of(page)


def test_food_totals_repeat_food_and_servings_pairs(client):
    params = [
        ("age", "35"),
        ("sex", "female"),
        ("food", "almonds-dry-roasted"),
        ("servings", "2"),
        ("food", "banana"),
        ("servings", ""),
        ("food", ""),
        ("servings", ""),
    ]
    response, page = get(client, CALCULATOR, params)
    result = response.context["result"]
    almonds = Food.objects.get(slug="almonds-dry-roasted").magnesium_mg
    banana = Food.objects.get(slug="banana").magnesium_mg
    assert result.food_mg == 2 * almonds + banana
    assert [line.servings for line in result.foods] == [2, 1]
    assert f"{result.food_mg:.0f} mg" in text_of(page)
    # the food rows come back filled in, for a shareable, editable URL
    assert re.search(r'<option value="almonds-dry-roasted" selected>', page)


def test_food_never_counts_toward_the_upper_limit(client):
    params = [("age", "35"), ("sex", "female"), ("food", "pumpkin-seeds-roasted"), ("servings", "10")]
    response, page = get(client, CALCULATOR, params)
    result = response.context["result"]
    assert result.food_mg > result.ul_mg
    assert not result.over_ul
    assert "The supplement is over the upper limit" not in text_of(page)


def test_calculator_chart_is_accessible_inline_svg_without_styles(client):
    params = [
        ("age", "35"),
        ("sex", "female"),
        ("food", "almonds-dry-roasted"),
        ("servings", "1"),
        ("supplement", "magnesium-citrate"),
        ("supplement_mg", "1000"),
    ]
    _response, page = get(client, CALCULATOR, params)
    svg = re.search(r"<svg\b.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="intake-chart-title intake-chart-desc"' in svg
    title = re.search(r'<title id="intake-chart-title">(.+?)</title>', svg).group(1)
    desc = re.search(r'<desc id="intake-chart-desc">(.+?)</desc>', svg, re.S).group(1)
    assert title and "80 mg from food" in desc and "162 mg from the supplement" in desc and "320 mg" in desc
    words = text_of(page)
    assert "80 mg" in words and "162 mg elemental magnesium" in words  # numbers also in text


def test_chart_geometry_scales_to_the_largest_figure():
    rows = list(IntakeValue.objects.all())
    food = Food.objects.get(slug="almonds-dry-roasted")
    result = intake.intake_result(rows, Decimal(35), "female", "", [intake.FoodLine(food, Decimal(1))], Decimal(400))
    chart = intake.intake_chart(result)
    assert chart["food_width"] < chart["food_width"] + chart["supplement_width"] <= intake.CHART_WIDTH
    assert chart["supplement_x"] == intake.CHART_LEFT + chart["food_width"]
    assert chart["requirement_x"] < chart["ul_x"]  # 320 mg is left of 350 mg
    assert intake.CHART_LEFT < chart["ul_label_x"] < intake.CHART_LEFT + intake.CHART_WIDTH


@pytest.mark.parametrize("path", [CALCULATOR, f"{CALCULATOR}?age=35&sex=female", f"{CALCULATOR}?age=NaN"])
def test_kidney_caution_is_always_shown(client, path):
    page = client.get(path).content.decode()
    assert "If you have kidney disease" in page
    assert "/references/#ref-MSD_HYPERMG" in page


def test_calculator_figures_cite_their_sources(client):
    params = [
        ("age", "35"),
        ("sex", "female"),
        ("food", "banana"),
        ("servings", "1"),
        ("supplement", "magnesium-oxide"),
        ("supplement_mg", "500"),
    ]
    _response, page = get(client, CALCULATOR, params)
    for key in ("IOM_1997", "NASEM_2019", "ODS_MG_HP", "IOM_2000_APPS", "DGA_2015_APP10"):
        assert f'href="/references/#ref-{key}"' in page, key
    assert '<h2 id="sources-heading">Sources</h2>' in page


def test_calculator_query_budget(client):
    params = [
        ("age", "35"),
        ("sex", "female"),
        ("food", "banana"),
        ("servings", "1"),
        ("food", "apple"),
        ("servings", "2"),
        ("supplement", "magnesium-oxide"),
        ("supplement_mg", "500"),
    ]
    with CaptureQueriesContext(connection) as queries:
        get(client, CALCULATOR, params)
    assert len(queries) <= 10


# --- Calculator: bad input ---------------------------------------------------------

BAD_NUMBERS = [
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "1E5",
    FIVE_THOUSAND_DIGITS,
    "3\x00",
    "\x00",
    "12abc",
    "0x10",
    "1,5",
    "--3",
]


@pytest.mark.parametrize("value", BAD_NUMBERS + ["-1", "-0.5", "121", "500"])
def test_calculator_rejects_bad_ages(client, value):
    _response, page = get(client, CALCULATOR, [("age", value), ("sex", "female")])
    assert field_error(page, "id_age")
    assert_field_marked(page, "id_age")
    assert '<form class="tool-form"' in page
    assert "Your results</h2>" in page and "Please fix the problems" in page


@pytest.mark.parametrize("field", ["supplement_mg", "elemental_mg"])
@pytest.mark.parametrize("value", BAD_NUMBERS + ["-5", "999999"])
def test_calculator_rejects_bad_supplement_amounts(client, field, value):
    params = [("age", "35"), ("sex", "female"), (field, value)]
    if field == "supplement_mg":
        params.append(("supplement", "magnesium-oxide"))
    _response, page = get(client, CALCULATOR, params)
    assert field_error(page, f"id_{field}")
    assert_field_marked(page, f"id_{field}")


@pytest.mark.parametrize("value", BAD_NUMBERS + ["0", "-1", "51"])
def test_calculator_rejects_bad_servings(client, value):
    _response, page = get(
        client, CALCULATOR, [("age", "35"), ("sex", "female"), ("food", "banana"), ("servings", value)]
    )
    assert field_error(page, "id_servings_1")
    assert_field_marked(page, "id_servings_1")


@pytest.mark.parametrize(
    ("params", "field_id", "message"),
    [
        ([("age", "35"), ("sex", "other")], "id_sex", "Choose female or male."),
        ([("age", "35"), ("sex", "female"), ("stage", "menopause")], "id_stage", "Choose pregnant, breastfeeding"),
        ([("age", "35"), ("sex", "female"), ("food", "chocolate-cake")], "id_food_1", "Choose a food from the list."),
        (
            [("age", "35"), ("sex", "female"), ("food", "acorn-squash-cooked")],
            "id_food_1",
            "Choose a food from the list.",
        ),
        ([("age", "35"), ("sex", "female"), ("servings", "2")], "id_food_1", "Choose a food for these servings."),
        (
            [("age", "35"), ("sex", "female"), ("supplement", "magnesium-unicorn"), ("supplement_mg", "100")],
            "id_supplement",
            "Choose a form from the list.",
        ),
        (
            [("age", "35"), ("sex", "female"), ("supplement", "magnesium-oxide")],
            "id_supplement_mg",
            "Enter the milligrams",
        ),
        ([("age", "35"), ("sex", "female"), ("supplement_mg", "500")], "id_supplement", "Choose the form"),
        (
            [
                ("age", "35"),
                ("sex", "female"),
                ("supplement", "magnesium-oxide"),
                ("supplement_mg", "500"),
                ("elemental_mg", "100"),
            ],
            "id_elemental_mg",
            "not both",
        ),
        ([("sex", "female")], "id_age", "Enter an age in years."),
        ([("age", "")], "id_age", "Enter an age in years."),
        ([("age", "30")], "id_sex", "Choose female or male"),
        ([("age", "30"), ("sex", "male"), ("stage", "pregnant")], "id_stage", "for females"),
        ([("age", "12"), ("stage", "pregnant")], "id_age", "ages 14 to 50"),
        ([("age", "60"), ("stage", "breastfeeding")], "id_age", "ages 14 to 50"),
    ],
)
def test_calculator_field_errors(client, params, field_id, message):
    response, page = get(client, CALCULATOR, params)
    assert message in (field_error(page, field_id) or "")
    assert_field_marked(page, field_id)
    assert response.context["result"] is None


def test_calculator_limits_food_rows(client):
    params = [("age", "35"), ("sex", "female")] + [("food", "banana"), ("servings", "1")] * 21
    response, page = get(client, CALCULATOR, params)
    assert response.context["result"] is None
    assert f"Enter up to {tools.MAX_FOOD_LINES} foods." in page
    assert 'aria-describedby="foods-error"' in page


@pytest.mark.parametrize("field", tools.CALCULATOR_PARAMS)
def test_calculator_escapes_html_in_every_parameter(client, field):
    params = [("age", "35"), ("sex", "female")]
    params = [(k, v) for k, v in params if k != field] + [(field, '<script>alert("x")</script>')]
    _response, page = get(client, CALCULATOR, params)
    assert "<script>alert" not in page
    if field in ("age", "servings", "supplement_mg", "elemental_mg"):
        assert "&lt;script&gt;alert" in page


def test_calculator_without_parameters_is_an_empty_form(client):
    response, page = get(client, CALCULATOR)
    assert not response.context["form"].is_bound
    assert 'class="error"' not in page
    assert "Enter your age and choose Calculate" in page


# --- Interaction checker -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("FOSAMAX", "alendronate"),
        ("fosamax", "alendronate"),
        ("  Alendronate ", "alendronate"),
        ("Synthroid", "levothyroxine"),
        ("LEVOTHYROXINE", "levothyroxine"),
        ("Tivicay", "dolutegravir"),
        ("doxycycline", "doxycycline"),
        ("Cipro floxacin".replace(" ", ""), "ciprofloxacin"),
        ("Lasix", "loop-and-thiazide-diuretics"),
        ("spironolactone", "potassium-sparing-diuretics"),
        ("Omeprazole", "proton-pump-inhibitors"),
        ("digoxin", "digoxin"),
        ("cisplatin", "medicines-that-cause-magnesium-loss"),
        ("Proton pump inhibitors", "proton-pump-inhibitors"),
        ("Fosamax 70 mg", "alendronate"),
        ("aminoglycosides", "medicines-that-cause-magnesium-loss"),
    ],
)
def test_medicine_names_match_in_any_case(name, slug):
    index = medicines.name_index(Interaction.objects.all())
    assert medicines.find_interaction(name, index).slug == slug


def test_checker_covers_every_drug_interaction_in_the_facts():
    facts = json.loads(django_settings.FACTS_FILE.read_text())
    index = medicines.name_index(Interaction.objects.all())
    checked = 0
    for entry in facts["drug_interactions"]:
        found = re.search(r"\((.*)\)", entry["drug_class"])
        names = re.split(r"[,/]", found.group(1)) if found else [entry["drug_class"].split(",")[0]]
        for name in (n.strip() for n in names):
            if name in ("others",):
                continue
            assert medicines.find_interaction(name, index) is not None, name
            checked += 1
    assert checked >= 35


@pytest.mark.parametrize(
    ("med", "expected"),
    [
        ("etidronate", "at least 2 hours apart"),
        ("doxycycline", "Label: no hours given"),
        ("ciprofloxacin", "at least 2 hours before, or 6 hours after"),
        ("levothyroxine", "at least 4 hours apart"),
        ("dolutegravir", "at least 2 hours before, or 6 hours after"),
        ("furosemide", "Lowers your magnesium."),
        ("hydrochlorothiazide", "Lowers your magnesium."),
        ("pantoprazole", "Lowers your magnesium."),
        ("digoxin", "Lowers your magnesium."),
        ("amiloride", "Can raise your magnesium"),
        ("tacrolimus", "Lowers your magnesium."),
    ],
)
def test_checker_shows_timing_and_effect(client, med, expected):
    _response, page = get(client, INTERACTIONS, [("med", med)])
    words = text_of(page)
    assert expected in words
    for label in ("Effect on magnesium", "What happens", "What to do", "Timing", "Source"):
        assert label in words


def test_checker_cites_sources_and_links_the_guide(client):
    _response, page = get(client, INTERACTIONS, [("med", "Fosamax"), ("med", "omeprazole")])
    for key in ("FOSAMAX_LABEL", "FDA_PPI_2011"):
        assert f'href="/references/#ref-{key}"' in page
    assert 'href="/guides/magnesium-medicine-interactions/#med-alendronate"' in page


def test_checker_groups_names_of_the_same_medicine(client):
    response, page = get(client, INTERACTIONS, [("med", "Cipro"), ("med", "ciprofloxacin")])
    results = response.context["results"]
    assert len(results) == 1
    assert results[0]["queries"] == ["Cipro", "ciprofloxacin"]
    assert "You entered: Cipro, ciprofloxacin" in text_of(page)


def card(page, slug):
    """The text of one result card."""
    found = re.search(rf'<article class="tool-card" id="result-{slug}".*?</article>', page, re.S)
    assert found, f"no result card for {slug}"
    return text_of(found.group(0))


@pytest.mark.parametrize(
    ("med", "slug", "timing"),
    [
        # Each medicine's own label (issue 14): moxifloxacin's gap is longer than ciprofloxacin's.
        ("moxifloxacin", "moxifloxacin", "at least 4 hours before, or 8 hours after"),
        ("Avelox", "moxifloxacin", "at least 4 hours before, or 8 hours after"),
        ("ciprofloxacin", "ciprofloxacin", "at least 2 hours before, or 6 hours after"),
        ("Cipro", "ciprofloxacin", "at least 2 hours before, or 6 hours after"),
        ("Levaquin", "levofloxacin", "at least 2 hours before, or 2 hours after"),
        ("gabapentin", "gabapentin", "Take gabapentin at least 2 hours after the antacid"),
    ],
)
def test_each_medicine_gets_its_own_labels_timing(client, med, slug, timing):
    _response, page = get(client, INTERACTIONS, [("med", med)])
    words = card(page, slug)
    assert timing in words
    assert "4–6" not in words  # the old class-wide quinolone rule is gone
    assert "No timing rule" not in words and "We found no reliable source" not in words


def test_gabapentin_is_sourced_to_its_label_and_the_magnesium_oxide_study(client):
    _response, page = get(client, INTERACTIONS, [("med", "gabapentin")])
    words = card(page, "gabapentin")
    assert "43%" in words and "at least 2 hours after" in words
    for key in ("NEURONTIN_LABEL", "Yagi2012"):
        assert f'href="/references/#ref-{key}"' in page


@pytest.mark.parametrize(
    ("med", "slug", "expected"),
    [
        ("Nexium", "proton-pump-inhibitors", "Lowers your magnesium."),
        ("Prilosec", "proton-pump-inhibitors", "Lowers your magnesium."),
        ("Protonix", "proton-pump-inhibitors", "Lowers your magnesium."),
        ("water pill", "loop-and-thiazide-diuretics", "Lowers your magnesium."),
        ("Lasix", "loop-and-thiazide-diuretics", "Lowers your magnesium."),
        ("Synthroid", "levothyroxine", "at least 4 hours apart"),
        ("Fosamax", "alendronate", "at least 30 minutes"),
        ("Tums", "tums-calcium-carbonate", "Contains calcium."),
        ("Milk of Magnesia", "milk-of-magnesia", "Contains magnesium."),
    ],
)
def test_brand_and_lay_names_reach_their_row(client, med, slug, expected):
    _response, page = get(client, INTERACTIONS, [("med", med)])
    assert expected in card(page, slug)


def test_milk_of_magnesia_counts_toward_the_upper_limit(client):
    _response, page = get(client, INTERACTIONS, [("med", "milk of magnesia")])
    words = card(page, "milk-of-magnesia")
    assert "350 mg" in words and "No timing rule" not in words


def test_unknown_medicine_is_helpful_not_an_error(client):
    _response, page = get(client, INTERACTIONS, [("med", "omeprazol")])
    words = text_of(page)
    assert "“omeprazol” is not in our list" in words
    assert "Ask your pharmacist" in words
    assert 'href="?med=omeprazole"' in page


def test_suggestion_link_keeps_the_other_medicines(client):
    _response, page = get(client, INTERACTIONS, [("med", "Fosamax"), ("med", "levothyroxin")])
    assert 'href="?med=Fosamax&amp;med=levothyroxine"' in page


def test_medicine_without_a_source_says_so(client):
    Interaction.objects.filter(slug="digoxin").get().sources.clear()
    _response, page = get(client, INTERACTIONS, [("med", "digoxin")])
    assert "We found no reliable source" in text_of(page)


def test_checker_offers_the_list_of_names(client):
    _response, page = get(client, INTERACTIONS)
    assert 'list="med-names"' in page
    options = re.findall(
        r'<option value="([^"]+)"></option>', re.search(r"<datalist.*?</datalist>", page, re.S).group(0)
    )
    for name in ("alendronate", "Fosamax", "Synthroid", "omeprazole", "Proton pump inhibitors"):
        assert html.unescape(name) in [html.unescape(o) for o in options]
    assert "Medicines in our list" in page
    assert 'href="?med=doxycycline"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a" * 101, "up to 100 characters"),
        ("dox\x00ycycline", "NUL"),
    ],
)
def test_checker_rejects_bad_names_beside_the_field(client, value, message):
    _response, page = get(client, INTERACTIONS, [("med", "digoxin"), ("med", value)])
    assert message in field_error(page, "id_med_2")
    assert_field_marked(page, "id_med_2")
    assert "\x00" not in page
    assert "Lowers your magnesium." in text_of(page)  # the good name is still checked


def test_checker_limits_the_number_of_medicines(client):
    _response, page = get(client, INTERACTIONS, [("med", "digoxin")] * (tools.MAX_MEDICINES + 1))
    assert f"Check up to {tools.MAX_MEDICINES} medicines" in page


def test_checker_escapes_html(client):
    _response, page = get(client, INTERACTIONS, [("med", "<script>alert(1)</script>"), ("med", '"><b>x')])
    assert "<script>alert(1)" not in page and "<b>x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Lab unit converter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "expected"),
    [
        ("magnesium", "2.0", "mg/dL", {"mmol/L": "0.82", "mEq/L": "1.65"}),
        ("magnesium", "1", "mmol/L", {"mg/dL": "2.43", "mEq/L": "2"}),
        ("magnesium", "2", "mEq/L", {"mmol/L": "1", "mg/dL": "2.43"}),
        ("potassium", "4.0", "mmol/L", {"mEq/L": "4", "mg/dL": "15.64"}),
        ("sodium", "140", "mEq/L", {"mmol/L": "140", "mg/dL": "321.86"}),
        ("calcium", "1", "mmol/L", {"mg/dL": "4.01", "mEq/L": "2"}),
        ("calcium", "10", "mg/dL", {"mmol/L": "2.5", "mEq/L": "4.99"}),
    ],
)
def test_lab_unit_conversions(client, analyte, value, unit, expected):
    response, page = get(client, LAB_UNITS, [("analyte", analyte), ("value", value), ("unit", unit)])
    assert dict(response.context["converted"]) == expected
    words = text_of(page)
    for other_unit, number in expected.items():
        assert f"{number} {other_unit}" in words


def test_lab_unit_factors():
    assert labs.convert(labs.ANALYTES["calcium"], 1, "mmol/L")["mg/dL"] == Decimal("4.008")
    assert labs.convert(labs.ANALYTES["potassium"], 1, "mmol/L")["mg/dL"] == Decimal("3.91")
    assert labs.convert(labs.ANALYTES["sodium"], 1, "mmol/L")["mg/dL"] == Decimal("2.299")
    assert labs.convert(labs.ANALYTES["magnesium"], 1, "mmol/L") == {"mg/dL": Decimal("2.43"), "mmol/L": 1, "mEq/L": 2}


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "placement"),
    [
        ("magnesium", "2.0", "mg/dL", "within"),
        ("magnesium", "1.5", "mg/dL", "below"),
        ("magnesium", "2.6", "mg/dL", "above"),
        ("magnesium", "0.75", "mmol/L", "within"),
        ("magnesium", "0.6", "mmol/L", "below"),
        ("potassium", "6", "mmol/L", "above"),
        ("potassium", "3.5", "mEq/L", "below"),
        ("sodium", "140", "mmol/L", "within"),
        ("sodium", "130", "mEq/L", "below"),
    ],
)
def test_lab_result_placement(client, analyte, value, unit, placement):
    response, page = get(client, LAB_UNITS, [("analyte", analyte), ("value", value), ("unit", unit)])
    assert response.context["placement"] == placement
    assert f"{placement.capitalize()} the typical range" in text_of(page)
    assert "Ranges vary by lab" in page


def test_lab_ranges_are_cited(client):
    _response, page = get(client, LAB_UNITS, [("analyte", "magnesium"), ("value", "2.0"), ("unit", "mg/dL")])
    words = text_of(page)
    assert "1.8–2.3 mg/dL (0.75–0.95 mmol/L; 1.5–1.9 mEq/L)" in words
    for key in ("IOM_1997", "MEDLINEPLUS_MG_TEST", "STATPEARLS_HYPOMG", "MEDLINEPLUS_K_NA_TEST", "MEDLINEPLUS_NA_TEST"):
        assert f'href="/references/#ref-{key}"' in page, key


def test_every_range_cites_a_reference_that_exists():
    keys = {r["key"] for r in yaml.safe_load((ROOT / "content" / "references.yaml").read_text())}
    used = set(labs.range_source_keys()) | set(tools.ELEMENTAL_SOURCES) | set(tools.KIDNEY_SOURCES)
    assert used <= keys
    for analyte in labs.ANALYTES.values():
        for reference_range in analyte.ranges:
            assert reference_range.source in keys
            assert reference_range.low < reference_range.high


def test_calcium_has_no_invented_range(client):
    response, page = get(client, LAB_UNITS, [("analyte", "calcium"), ("value", "2.4"), ("unit", "mmol/L")])
    assert response.context["placement"] is None
    assert "We have not found a reliable source for a typical calcium range" in text_of(page)


@pytest.mark.parametrize("value", BAD_NUMBERS + ["0", "-2", "1001"])
def test_lab_units_reject_bad_values(client, value):
    response, page = get(client, LAB_UNITS, [("analyte", "magnesium"), ("value", value), ("unit", "mg/dL")])
    assert field_error(page, "id_value")
    assert_field_marked(page, "id_value")
    assert "converted" not in response.context


@pytest.mark.parametrize(
    ("params", "field_id", "message"),
    [
        ([("analyte", "zinc"), ("value", "1"), ("unit", "mg/dL")], "id_analyte", "Choose magnesium, potassium"),
        ([("analyte", "magnesium"), ("value", "1"), ("unit", "g/L")], "id_unit", "Choose mg/dL, mmol/L or mEq/L."),
        ([("analyte", "magnesium"), ("value", "1"), ("unit", "mg/dl\x00")], "id_unit", "Choose mg/dL"),
        ([("value", "1"), ("unit", "mg/dL")], "id_analyte", "Choose what was measured."),
        ([("analyte", "magnesium"), ("unit", "mg/dL")], "id_value", "Enter the number on your report."),
        ([("analyte", "magnesium"), ("value", "1")], "id_unit", "Choose the unit on your report."),
    ],
)
def test_lab_units_field_errors(client, params, field_id, message):
    _response, page = get(client, LAB_UNITS, params)
    assert message in field_error(page, field_id)
    assert_field_marked(page, field_id)


@pytest.mark.parametrize("field", tools.LAB_PARAMS)
def test_lab_units_escape_html(client, field):
    params = [(k, v) for k, v in [("analyte", "magnesium"), ("value", "2"), ("unit", "mg/dL")] if k != field]
    _response, page = get(client, LAB_UNITS, params + [(field, "<img src=x onerror=alert(1)>")])
    assert "<img src=x" not in page


# --- All tools: markup, links, robustness ---------------------------------------------------

TOOL_PAGES = [
    CALCULATOR,
    f"{CALCULATOR}?age=35&sex=female&food=banana&servings=1&supplement=magnesium-oxide&supplement_mg=500",
    f"{CALCULATOR}?age=x",
    INTERACTIONS,
    f"{INTERACTIONS}?med=Fosamax&med=zzz",
    LAB_UNITS,
    f"{LAB_UNITS}?analyte=magnesium&value=2.0&unit=mg/dL",
    f"{LAB_UNITS}?value=x",
]


@pytest.mark.parametrize("path", TOOL_PAGES)
def test_tool_pages_are_accessible_and_csp_safe(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", page)
    assert re.search(r"""\son[a-z]+=["']""", page) is None
    levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    for control_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page):
        assert f'<label for="{control_id}">' in page, control_id
    for described in re.findall(r'aria-describedby="([^"]+)"', page):
        for target in described.split():
            assert f'id="{target}"' in page, target
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    ("path", "slugs"),
    [
        (CALCULATOR, ["how-much-magnesium", "magnesium-supplement-forms"]),
        (INTERACTIONS, ["magnesium-medicine-interactions"]),
        (LAB_UNITS, ["magnesium-testing"]),
    ],
)
def test_tools_link_the_guides_that_explain_them(client, path, slugs):
    page = client.get(path).content.decode()
    for slug in slugs:
        assert f'href="/guides/{slug}/"' in page


def test_home_page_has_a_tools_section(client):
    page = client.get("/").content.decode()
    section = re.search(r'<section aria-labelledby="tools-heading">.*?</section>', page, re.S).group(0)
    for path in (CALCULATOR, INTERACTIONS, LAB_UNITS):
        assert f'href="{path}"' in section


def test_tools_only_answer_get_and_head(client):
    assert client.post(CALCULATOR, {"age": "35"}).status_code == 405
    assert client.head(LAB_UNITS).status_code == 200


@pytest.mark.parametrize(
    ("path", "query", "name", "button"),
    [
        (CALCULATOR, "", "Magnesium intake calculator", "Calculate"),
        (INTERACTIONS, "?med=omeprazole", "Medicine interaction checker", "Check"),
        (LAB_UNITS, "", "Lab unit converter", "Convert"),
    ],
)
def test_tools_load_the_enhancement_script_from_a_file(client, path, query, name, button):
    page = client.get(path + query).content.decode()
    assert re.search(r'<script src="/static/js/tools\.js" defer></script>', page)
    assert 'data-live-results="tool-results"' in page
    assert 'id="tool-results"' in page
    # Without JavaScript the form still submits by GET to the tool's own page.
    form = re.search(r'<form class="tool-form" method="get" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    assert form.group(1) == path
    assert f'<button type="submit">{button}</button>' in form.group(2)
    assert re.search(rf'<a href="{path}" aria-current="page">{name}</a>', page)
    assert page.count('aria-current="page"') == 1
    for heading in ("Guides that explain this", "Sources", "Medical disclaimer"):
        assert f"{heading}</h2>" in page, heading


def test_separation_text():
    assert medicines.describe_separation("2") == "Keep the medicine and magnesium at least 2 hours apart."
    assert "4–6 hours after" in medicines.describe_separation("2 before / 4-6 after")
    assert medicines.describe_separation(None).startswith("No timing rule")
    assert medicines.describe_separation("with food") == "Timing: with food."


def test_plain_number_rounds_half_up():
    assert numbers.plain_number(Decimal("1.645")) == "1.65"
    assert numbers.plain_number(Decimal("140.00")) == "140"
    assert numbers.plain_number(Decimal("0.8230")) == "0.82"


PARAM_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.sampled_from(tools.CALCULATOR_PARAMS), PARAM_TEXT), max_size=8))
def test_calculator_never_fails_on_any_input(client, values):
    assert client.get(CALCULATOR, {}, QUERY_STRING=urlencode(values)).status_code == 200


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.sampled_from(["med"]), PARAM_TEXT), max_size=5))
def test_checker_never_fails_on_any_input(client, values):
    assert client.get(INTERACTIONS, {}, QUERY_STRING=urlencode(values)).status_code == 200


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.sampled_from(tools.LAB_PARAMS), PARAM_TEXT), max_size=5))
def test_lab_units_never_fail_on_any_input(client, values):
    assert client.get(LAB_UNITS, {}, QUERY_STRING=urlencode(values)).status_code == 200
