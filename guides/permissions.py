"""The two staff groups, created or repaired after every migrate (and test flush).

- **Editors** change content (their changes to reviewed content are staged for review),
  never users, groups or site settings; they can read the review queue.
- **Medical reviewers** have the same permissions, and approve or request changes
  (``guides.editorial.workflow``): membership of this group is what makes a reviewer.
"""

EDITORS = "Editors"
REVIEWERS = "Medical reviewers"
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
READ_ONLY = ["change", "changeevent"]


def ensure_editors_group(sender=None, apps=None, **kwargs):
    """Create or repair both groups. Returns the Editors group."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    perms = list(
        Permission.objects.filter(
            Q(content_type__model__in=CONTENT_MODELS)
            | Q(content_type__model__in=READ_ONLY, codename__startswith="view_"),
            content_type__app_label="guides",
        )
    )
    groups = {}
    for name in (EDITORS, REVIEWERS):
        groups[name], _ = Group.objects.get_or_create(name=name)
        groups[name].permissions.set(perms)
    return groups[EDITORS]
