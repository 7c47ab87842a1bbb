"""Data flows one way: a lower stage never imports a higher one (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

#: Stages from lowest to highest; a module may import its own stage and lower ones only.
LAYERS = ["runtime", "data", "hyperparameters", "graph", "blocks", "space", "genome", "pipeline",
          "evaluation", "execution", "search", "trials", "checks", "export", "fitting",
          "tasks", "serve"]
PACKAGE = Path(__file__).resolve().parents[1] / "automl"


def imported_stages(path: Path) -> set[str]:
    stages = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "automl" and len(parts) > 1 and parts[1] in LAYERS:
                stages.add(parts[1])
    return stages


@pytest.mark.parametrize("stage", LAYERS)
def test_stage_imports_only_lower_stages(stage):
    allowed = set(LAYERS[: LAYERS.index(stage) + 1])
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        higher = imported_stages(path) - allowed
        assert not higher, f"{path.relative_to(PACKAGE)} imports higher stage(s) {sorted(higher)}"


def test_every_stage_is_listed():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)
