"""One admin per content model, each built on ``ContentAdmin`` (``guides.admin.base``)."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from ..editorial import workflow
from ..models import (
    FAQ,
    Article,
    Citation,
    Food,
    IntakeValue,
    Interaction,
    Page,
    Person,
    Reference,
    SearchDocument,
    SearchTerm,
    SlugHistory,
    SupplementForm,
    Topic,
)
from .base import ContentAdmin
from .filters import ReviewFilter
from .review import StagedAdmin

admin.site.site_header = "Magnesium & Electrolytes Guide: editors"
admin.site.site_title = "Guide editors"
admin.site.index_title = "Content"
admin.site.index_template = "admin/guides_index.html"  # the review dashboard above the model list


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    can_delete = False
    fields = ("number", "reference", "occurrences")
    readonly_fields = fields
    verbose_name_plural = "Sources (from the body's [@key] citations)"

    def has_add_permission(self, request, obj=None):
        return False


class FAQInline(admin.TabularInline):
    """A guide's questions, listed: each is edited (and reviewed) on its own FAQ page."""

    model = FAQ
    extra = 0
    can_delete = False
    fields = ("edit_link", "order")
    readonly_fields = fields
    verbose_name_plural = "Questions readers ask (edit each on its FAQ page; changes are reviewed)"

    @admin.display(description="Question")
    def edit_link(self, faq):
        return format_html('<a href="{}">{}</a>', reverse("admin:guides_faq_change", args=[faq.pk]), faq.question)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(StagedAdmin):
    list_display = ("title", "state", "review_state", "next_review_due", "view_link")
    list_filter = (ReviewFilter, "status", "topics", "author", "reviewer")
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics", "related")
    autocomplete_fields = ("parent",)
    date_hierarchy = "updated"
    # Review dates, the reviewer and the status are set by approval, never typed (guides.editorial.workflow).
    readonly_fields = (
        "status",
        "reviewer",
        "updated",
        "last_reviewed",
        "next_review_due",
        "word_count",
        "reading_minutes",
    )
    inlines = [CitationInline, FAQInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "summary", "key_points", "body")}),
        ("Place in the site", {"fields": ("parent", "topics", "related")}),
        (
            "People and dates",
            {
                "fields": (
                    "author",
                    "reviewer",
                    "published",
                    "updated",
                    "last_reviewed",
                    "next_review_due",
                )
            },
        ),
        ("Derived", {"fields": ("word_count", "reading_minutes"), "classes": ("collapse",)}),
    )

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        """Published, Draft, or "Scheduled for DATE" for a published guide whose date has not come."""
        if obj.status == obj.Status.PUBLISHED and obj.published > timezone.localdate():
            return f"Scheduled for {obj.published:%-d %B %Y}"
        return obj.get_status_display()

    @admin.display(description="Review")
    def review_state(self, obj):
        change = workflow.open_change(Article, obj.pk)
        if change is not None:
            return f"Change {change.get_state_display().lower()}"
        if obj.next_review_due and obj.next_review_due < timezone.localdate():
            return "Overdue"
        return ""

    @admin.display(description="On site")
    def view_link(self, obj):
        url = obj.get_absolute_url() if obj.is_published else f"{obj.get_absolute_url()}preview/"
        return format_html('<a href="{}">{}</a>', url, "View" if obj.is_published else "Preview")

    def view_on_site(self, obj):
        """Readers' page when they can see it; the staff preview of a draft (which readers cannot)."""
        return obj.get_absolute_url() if obj.is_published else f"{obj.get_absolute_url()}preview/"


@admin.register(Topic)
class TopicAdmin(StagedAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ("name", "credentials", "role")
    list_filter = ("role",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Reference)
class ReferenceAdmin(ContentAdmin):
    list_display = ("key", "title", "container", "year", "doi", "pmid")
    search_fields = ("key", "title", "authors", "doi", "pmid")
    list_filter = ("year",)


@admin.register(FAQ)
class FAQAdmin(StagedAdmin):
    list_display = ("question", "article", "order")
    list_filter = ("topics", "article")
    search_fields = ("question", "answer")
    filter_horizontal = ("topics",)
    autocomplete_fields = ("article",)


@admin.register(Food)
class FoodAdmin(StagedAdmin):
    list_display = ("name", "category", "serving", "magnesium_mg", "potassium_mg", "calcium_mg", "sodium_mg")
    list_filter = ("category",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("sources",)


@admin.register(SupplementForm)
class SupplementFormAdmin(StagedAdmin):
    list_display = ("name", "elemental_percent", "evidence", "order")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("sources",)


@admin.register(Interaction)
class InteractionAdmin(StagedAdmin):
    list_display = ("name", "effect", "separation_hours", "order")
    list_filter = ("effect",)
    search_fields = ("name", "names")
    filter_horizontal = ("sources",)


@admin.register(IntakeValue)
class IntakeValueAdmin(StagedAdmin):
    list_display = ("__str__", "kind", "sex", "stage", "age_min", "age_max", "amount_mg")
    list_filter = ("kind", "sex", "stage")
    filter_horizontal = ("sources",)


@admin.register(Page)
class PageAdmin(StagedAdmin):
    list_display = ("title", "slug", "updated")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(SlugHistory)
class SlugHistoryAdmin(ContentAdmin):
    list_display = ("old_slug", "article")
    search_fields = ("old_slug", "article__slug")
    autocomplete_fields = ("article",)


@admin.register(SearchTerm)
class SearchTermAdmin(ContentAdmin):
    """Lay words, other spellings and synonyms that site search also looks up."""

    list_display = ("term", "expansion_summary")
    search_fields = ("term", "expansions")

    @admin.display(description="Also searches for")
    def expansion_summary(self, obj):
        return ", ".join(obj.expansion_list())


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """The search index, read-only: it is rebuilt from the content (manage.py rebuildsearch)."""

    list_display = ("title", "kind", "topic", "url", "published")
    list_filter = ("kind",)
    search_fields = ("title",)
    fields = ("kind", "object_id", "title", "summary", "body", "url", "topic", "topic_url", "published")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
