"""The audit log: one read-only list of who changed what and when, across every content model.

Each entry is a django-reversion ``Revision``: an admin save (with its user), a revert, a
``loadcontent`` (comment "loadcontent: ...") or an ``exportcontent``. Each lists the rows it
changed, with links to their history, where any two versions can be compared.
"""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from reversion.models import Revision

from .base import StaffReadOnlyAdmin


@admin.register(Revision)
class AuditLogAdmin(StaffReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("date_created", "who", "comment", "changed")
    list_filter = ("date_created", "user")
    search_fields = ("comment", "user__username", "version__object_repr")
    date_hierarchy = "date_created"
    list_per_page = 50
    ordering = ("-date_created", "-pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("version_set__content_type")

    @admin.display(description="Who", ordering="user__username")
    def who(self, revision):
        if revision.user:
            return revision.user.get_username()
        return revision.comment.split(":")[0] if ":" in revision.comment else "a command"

    @admin.display(description="What changed")
    def changed(self, revision):
        items = []
        for version in revision.version_set.all():
            ct = version.content_type
            try:
                url = reverse(f"admin:{ct.app_label}_{ct.model}_history", args=[version.object_id])
            except NoReverseMatch:
                url = ""
            items.append((url, f"{ct.name}: {version.object_repr}"))
        return format_html_join(", ", '<a href="{}">{}</a>', items) if items else "—"
