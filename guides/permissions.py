"""The "Editors" group: change content, never users, groups or site settings."""

EDITORS = "Editors"
CONTENT_MODELS = [
    "article",
    "topic",
    "person",
    "reference",
    "faq",
    "food",
    "supplementform",
    "interaction",
    "intakevalue",
    "page",
    "slughistory",
    "citation",
    "searchterm",
]


def ensure_editors_group(sender=None, apps=None, **kwargs):
    """Create or repair the group. Runs after every migrate (and test flush)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=EDITORS)
    perms = Permission.objects.filter(content_type__app_label="guides", content_type__model__in=CONTENT_MODELS)
    group.permissions.set(perms)
    return group
