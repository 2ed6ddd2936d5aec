"""No app imports the project package (config: settings, URLs, the Celery application);
the shared app least of all (CONTRIBUTING.md, "Layout")."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_imports():
    spec = importlib.util.spec_from_file_location("check_imports", ROOT / "scripts" / "check_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_reports_an_app_importing_the_project_package(tmp_path):
    for app, body in {
        "workplace": "def ready():\n    from config.celery import ensure_file_broker_folders\n",
        "merchants": "import config.settings.base\n",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "apps.py").write_text(body)
    assert _check_imports().problems(tmp_path) == [
        "merchants/apps.py:1: merchants imports config, the project package above every app",
        "workplace/apps.py:2: workplace imports config, the project package above every app",
    ]


def test_the_shared_app_imports_nothing_from_config():
    problems = _check_imports().problems(ROOT)
    assert [problem for problem in problems if "imports config" in problem] == []
    workplace_edges = [edge for edge in _check_imports().edges(ROOT) if edge[0] == "workplace"]
    assert workplace_edges == []


def test_the_celery_application_takes_the_file_broker_folders_from_the_shared_app():
    from config import celery
    from workplace import broker

    assert celery.ensure_file_broker_folders is broker.ensure_file_broker_folders
