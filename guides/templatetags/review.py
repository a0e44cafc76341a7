"""``{% review_dashboard %}``: the admin home's review dashboard (overdue, due soon, in review, changes requested)."""

from django import template

from guides.admin.filters import review_groups
from guides.models import Change

register = template.Library()
SHOWN = 5


@register.inclusion_tag("admin/guides/_dashboard.html")
def review_dashboard():
    groups = []
    for name, (label, guides) in review_groups().items():
        guides = guides.order_by("next_review_due", "title")
        groups.append((name, label, guides.count(), list(guides.only("title", "next_review_due")[:SHOWN])))
    return {"groups": groups, "in_review": Change.objects.filter(state=Change.State.IN_REVIEW).count()}
