"""Submit admin forms the way a browser does: read the form off the page, change some fields, post it."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects the values a browser would submit for the page's main form (#..._form)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = []  # [(name, value)], in order, repeated names for multi-selects
        self.in_form = False
        self.select = None
        self.option_value = None
        self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id", "").endswith("_form")):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            value = "".join(self.text)
            self.data.append((self.textarea, value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def read_form(client, url):
    """The admin change form at ``url`` as ``{name: value or [values]}``, as the browser would post it."""
    response = client.get(url)
    assert response.status_code == 200, url
    reader = _FormReader()
    reader.feed(response.content.decode())
    form = {}
    for name, value in reader.data:
        if name in form:
            form[name] = (form[name] if isinstance(form[name], list) else [form[name]]) + [value]
        else:
            form[name] = value
    return form


def post_form(client, url, form, **changes):
    """Post ``form`` (from ``read_form``) with ``changes`` applied, pressing Save."""
    data = {**form, **changes, "_save": "Save"}
    return client.post(url, data)


def make_reviewer(username="reviewer"):
    """A staff user in the Medical reviewers group, linked to a person page so a byline can name them."""
    from django.contrib.auth.models import Group, User

    from guides.models import Person
    from guides.permissions import REVIEWERS, ensure_editors_group

    ensure_editors_group()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User.objects.create_user(username, f"{username}@example.org", "a-long-reviewer-password", is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWERS))
    person = Person.objects.filter(user__isnull=True, role=Person.Role.REVIEWER).first()
    person = person or Person.objects.create(slug=f"test-{username}", name="Test Reviewer", role=Person.Role.REVIEWER)
    person.user = user
    person.save()
    return user


def approve_open(model, pk, reviewer=None, note="Checked against the sources."):
    """Have ``reviewer`` approve the open staged change to row ``pk`` (submitting it first if it is a draft)."""
    from guides.editorial import workflow

    change = workflow.open_change(model, pk)
    assert change is not None, f"no open change to {model.__name__} {pk}"
    return approve_change(change, reviewer, note)


def approve_change(change, reviewer=None, note="Checked against the sources."):
    """Have ``reviewer`` (default: a new medical reviewer) approve ``change``, submitting it first if need be."""
    from guides.editorial import workflow
    from guides.models import Change

    reviewer = reviewer or make_reviewer()
    if change.state != Change.State.IN_REVIEW:
        change.state = Change.State.IN_REVIEW
        change.save()
    return workflow.approve(change, reviewer, note)
