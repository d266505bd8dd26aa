"""No Docker engine runs here: parse docker-compose.yml and check its shape."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_declares_the_five_services():
    assert set(load()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_app_services_share_one_image_and_one_env_file():
    services = load()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    env_files = {str(services[name]["env_file"]) for name in ("web", "worker", "beat")}
    assert len(images) == 1 and len(env_files) == 1


def test_beat_is_a_single_instance():
    beat = load()["services"]["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert "beat" in " ".join(beat["command"])


def test_web_migrates_on_start_and_serves_with_gunicorn():
    command = load()["services"]["web"]["command"]
    assert command.index("migrate") < command.index("gunicorn")


def test_published_ports_are_bound_to_loopback():
    for name, service in load()["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"
