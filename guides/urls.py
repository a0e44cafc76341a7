"""Public URLs. Keep them stable: links, sitemaps and tests depend on them."""

from django.urls import path

from . import foods, views
from .search import views as search
from .tools import views as tools

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("guides/", views.guide_list, name="guide_list"),
    path("guides/<slug:slug>/", views.article_detail, name="article"),
    path("guides/<slug:slug>/preview/", views.article_preview, name="article_preview"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("foods/", foods.food_list, name="foods"),
    path("foods.csv", foods.food_csv, name="foods_csv"),
    path("supplements/", views.supplement_list, name="supplements"),
    path("supplements/<slug:slug>/", views.supplement_detail, name="supplement"),
    path("faq/", views.faq_list, name="faq"),
    path("references/", views.reference_list, name="references"),
    path("search/", search.search_view, name="search"),
    path("search/suggest/", search.suggest_view, name="search_suggest"),
    path("tools/magnesium-calculator/", tools.magnesium_calculator, name="calculator"),
    path("tools/interactions/", tools.interaction_checker, name="interactions"),
    path("tools/lab-units/", tools.lab_units, name="lab_units"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("<slug:slug>/", views.page_detail, name="page"),
]
