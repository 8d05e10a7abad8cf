"""The promises the README makes about where things live, held by tests."""

from pathlib import Path

import pytest

from tests.architecture.imports import (
    ROOT,
    cycles,
    import_graph,
    imported_names,
    project_modules,
)

MAX_MODULE_LINES = 450


def test_no_import_loop_anywhere():
    assert cycles(import_graph()) == []


def test_the_loop_finder_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_events_imports_no_other_app():
    leaks = {
        name: sorted(t for t in targets if t.split(".")[0] not in ("events", "config"))
        for name, targets in import_graph().items()
        if name.startswith("events")
    }
    assert {name: targets for name, targets in leaks.items() if targets} == {}


# Which apps each app may import (config, the project, may import any). registrations and
# payments use each other (through services and selectors only, held below); events and
# audit sit under both.
MAY_IMPORT = {
    "events": {"config"},
    "audit": {"config", "events"},
    "registrations": {"config", "events", "audit", "payments", "members", "finance"},
    "payments": {"config", "events", "audit", "registrations", "finance"},
    "members": {"config", "events"},  # events: only to add the demo members to seed_demo
    "finance": {"config", "events", "audit", "registrations", "payments"},
}


def test_each_app_imports_only_the_apps_it_may():
    crossings = sorted(
        f"{name} -> {target}"
        for name, targets in import_graph().items()
        for target in targets
        if name.split(".")[0] in MAY_IMPORT
        and target.split(".")[0] not in MAY_IMPORT[name.split(".")[0]] | {name.split(".")[0]}
    )
    assert crossings == []


def test_apps_meet_only_through_services_and_selectors():
    """No app imports another app's views, API views or serializers."""
    private = ("views", "api", "serializers", "admin", "forms", "urls", "api_urls")
    crossings = [
        f"{name} -> {target}"
        for name, targets in import_graph().items()
        for target in targets
        if name.split(".")[0] != target.split(".")[0]
        and name.split(".")[0] != "config"
        and target.split(".")[0] != "config"
        and any(part in private for part in target.split(".")[1:])
    ]
    assert crossings == []


def test_only_the_stripe_provider_imports_stripe():
    importers = sorted(
        str(module.path.relative_to(ROOT))
        for module in project_modules().values()
        if any(name == "stripe" or name.startswith("stripe.") for name in imported_names(module))
    )
    assert importers == ["payments/providers/stripe.py"]


@pytest.mark.parametrize(
    "app", ["config", "events", "registrations", "payments", "audit", "finance"]
)
def test_no_module_is_over_450_lines(app):
    long = {
        str(path.relative_to(ROOT)): lines
        for path in Path(ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_every_email_kind_has_a_builder_and_every_builder_a_kind():
    from registrations.messaging.builders import BUILDERS
    from registrations.messaging.models import Kind

    assert set(BUILDERS) == set(Kind.values)


def test_every_registered_payment_provider_loads_and_names_itself(settings):
    from payments.providers import get_provider

    for name in settings.PAYMENT_PROVIDERS:
        assert get_provider(name).name == name
    assert set(settings.PAYMENT_METHODS) == {"card", "invoice"}
