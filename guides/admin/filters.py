"""The guide list's review filter: the same groups as the admin home's review dashboard."""

import datetime as dt

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from ..models import Article, Change, today

DUE_SOON = dt.timedelta(days=30)


def guides_with_changes(state):
    content_type = ContentType.objects.get_for_model(Article)
    return Change.objects.filter(content_type=content_type, state=state).values("object_id")


def review_groups():
    """{name: (label, queryset of guides)} for the dashboard and the filter."""
    on = today()
    guides = Article.objects.all()
    return {
        "overdue": ("Review overdue", guides.filter(next_review_due__lt=on)),
        "due": (
            "Review due within 30 days",
            guides.filter(next_review_due__gte=on, next_review_due__lte=on + DUE_SOON),
        ),
        "in_review": ("Change in review", guides.filter(pk__in=guides_with_changes(Change.State.IN_REVIEW))),
        "changes_requested": (
            "Changes requested",
            guides.filter(pk__in=guides_with_changes(Change.State.CHANGES_REQUESTED)),
        ),
    }


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [(name, label) for name, (label, _qs) in review_groups().items()]

    def queryset(self, request, queryset):
        groups = review_groups()
        if self.value() in groups:
            return queryset.filter(pk__in=groups[self.value()][1].values("pk"))
        return queryset
