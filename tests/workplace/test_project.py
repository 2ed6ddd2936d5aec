"""The project as a whole: deployment file, settings, schema, error pages."""

import glob
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_docker_compose_runs_every_service_with_healthchecks_and_volumes():
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "proxy", "web", "worker", "beat"}
    for name, service in services.items():
        if name != "migrate":
            assert "healthcheck" in service, name
    assert "gunicorn" in services["web"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "worker" in services["worker"]["command"]
    assert {"postgres-data", "media"} <= set(compose["volumes"])
    assert any("postgres-data" in volume for volume in services["postgres"]["volumes"])
    assert any("/app/var/media" in volume for volume in services["web"]["volumes"])


def test_docker_compose_runs_several_web_and_worker_replicas_behind_one_beat():
    services = _compose()["services"]
    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-2}"
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert services["beat"]["deploy"]["replicas"] == 1
    # Only the proxy publishes a port (replicas cannot share one); it reaches every web replica.
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    assert services["proxy"]["ports"] == ["8000:8000"]
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000 resolve" in config and "proxy_add_x_forwarded_for" in config
    assert any("deploy/nginx.conf" in volume for volume in services["proxy"]["volumes"])


def test_docker_compose_migrates_once_before_web_worker_and_beat_start():
    services = _compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"  # a one-shot: restarting it would never complete
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
        assert "migrate" not in " ".join(services[name]["command"]), name


def _web_healthcheck():
    test = _compose()["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    code = test[3]
    url = re.search(r"'(http://[^']+)'", code).group(1)
    host = re.search(r"'Host': '([^']+)'", code).group(1)
    return url, host


def _dotenv_example():
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


_PRODUCTION_GET = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Error pages name static files; the image has their manifest (collectstatic), this tree not.
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client().get(sys.argv[1], HTTP_HOST=sys.argv[2])
print(json.dumps({"status": response.status_code, "type": response.get("Content-Type"),
                  "location": response.get("Location"), "body": response.content.decode()[:2000]}))
"""


def _get_with_production_settings(tmp_path, path, host):
    # The service's environment: .env.example (the env_file) and the compose file's own
    # variables, except that the database is a local file and the cache in-process.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(_dotenv_example())
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_GET, path, host],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_web_healthcheck_is_answered_by_production_settings(tmp_path):
    url, host = _web_healthcheck()
    assert url == "http://127.0.0.1:8000/healthz"
    response = _get_with_production_settings(tmp_path, "/healthz", host)
    # Neither 400 (host not allowed) nor 301 (https redirect): the health itself.
    assert response["status"] in (200, 503), response
    assert response["type"] == "application/json"
    assert set(json.loads(response["body"])) == {"db", "cache", "broker"}
    assert json.loads(response["body"])["db"] == "ok"


def test_production_still_redirects_pages_to_https_and_refuses_unknown_hosts(tmp_path):
    _, host = _web_healthcheck()
    page = _get_with_production_settings(tmp_path, "/accounts/login/", host)
    assert page["status"] == 301
    assert page["location"].startswith("https://")
    unknown = _get_with_production_settings(tmp_path, "/healthz", "evil.example.net")
    assert unknown["status"] == 400


def test_production_settings_pass_the_deploy_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "zhaoshang.example.com",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
        # A deployment's own keys (workplace.deploy_checks warns without them).
        "PII_KEYS": "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=",
        "PII_HASH_KEY": "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=",
        "AUDIT_CHAIN_KEYS": "a-long-random-audit-chain-secret-0123456789",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_without_the_deployments_own_keys():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PII_KEYS", "PII_HASH_KEY", "AUDIT_CHAIN_KEYS")
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "zhaoshang.example.com",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "workplace.W001" in output and "workplace.W002" in output and "workplace.W003" in output


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "x"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/token/" in paths
    assert "/api/v1/calendar/due-date/" in paths


@pytest.mark.django_db
def test_the_api_docs_use_no_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


def test_the_schema_generates_without_warnings():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.django_db
def test_an_unknown_api_url_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_an_unknown_page_answers_a_page_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_anonymous_users_with_json(client):
    response = client.get("/api/v1/notifications/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_every_static_asset_is_served_locally():
    base = (ROOT / "templates" / "base.html").read_text()
    assert "http://" not in base and "https://" not in base
    assert (ROOT / "static/vendor/bootstrap/bootstrap.min.css").exists()
    assert (ROOT / "static/vendor/htmx/htmx.min.js").exists()


@pytest.mark.django_db
def test_the_start_page_needs_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_see_their_start_page(client, recruiter):
    client.force_login(recruiter)
    response = client.get("/")
    assert response.status_code == 200
    assert "管理后台" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_is_branded_and_localised(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "招商管理后台" in page
    english = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Zhaoshang administration" in english


def test_static_files_collect_with_the_production_storage(tmp_path):
    # The manifest storage refuses a CSS or JS file referring to a missing file.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


@pytest.mark.django_db
def test_a_malformed_json_body_is_refused_in_the_users_language(client_for):
    from tests.factories.workplace import make_user

    api = client_for(make_user("recruiter"))
    response = api.post("/api/v1/commissions/quote/", data="{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON parse error" not in response.json()["detail"]


@pytest.mark.django_db
def test_a_search_with_a_nul_character_names_the_search_parameter(client_for):
    from tests.factories.workplace import make_user

    response = client_for(make_user("general_manager")).get("/api/v1/merchants/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert list(response.json()) == ["search"]


def test_the_code_passes_the_linter_and_the_formatter():
    ruff = Path(sys.executable).with_name("ruff")
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([str(ruff), *command], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def _distribution_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _our_apps():
    return {config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT}


def test_the_distribution_declares_the_settings_and_every_app_and_nothing_else():
    find = _distribution_config()["packages"]["find"]
    assert find.get("namespaces") is False
    packages = find_packages(where=ROOT / find.get("where", ["."])[0], include=find["include"])
    assert {name.split(".")[0] for name in packages} == {"config"} | _our_apps()
    # Every sub-package of an app (api, migrations, services...) travels with it.
    every = find_packages(where=ROOT, exclude=["tests", "tests.*", "bench", "bench.*"])
    assert set(packages) == set(every)
    assert not any(name.split(".")[0] in {"tests", "bench", "scripts", "var"} for name in packages)


def test_the_distribution_carries_every_apps_templates_and_catalogues():
    patterns = _distribution_config()["package-data"]["*"]
    for app in {"config"} | _our_apps():
        folder = ROOT / app
        declared = {
            path
            for pattern in patterns
            for path in glob.glob(pattern, root_dir=folder, recursive=True)
            if (folder / path).is_file()
        }
        data = {
            str(path.relative_to(folder))
            for path in folder.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
        }
        assert data <= declared, (app, sorted(data - declared))


def _check_imports():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_imports", ROOT / "scripts" / "check_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_finds_no_import_against_the_dependency_order():
    assert _check_imports().problems(ROOT) == []


def test_it_reports_an_import_of_a_higher_app_even_without_a_circle(tmp_path):
    for app, body in {
        "workplace": "",
        "merchants": "def f():\n    from scoring.selectors import x\n",
        "scoring": "import merchants.models\n",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "apps.py").write_text("")
        (tmp_path / app / "services.py").write_text(body)
    assert _check_imports().problems(tmp_path) == [
        "merchants/services.py:2: merchants imports scoring, which is not below it"
    ]


def test_it_reports_an_app_missing_from_the_order(tmp_path):
    (tmp_path / "newapp").mkdir()
    (tmp_path / "newapp" / "apps.py").write_text("")
    assert _check_imports().problems(tmp_path) == [
        "newapp: not in ORDER of scripts/check_imports.py (give it its place)"
    ]
