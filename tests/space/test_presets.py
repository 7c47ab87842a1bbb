"""Presets: search spaces as data, checked when read."""

import pytest

from automl.space import available_presets, load_preset


def test_default_presets_load():
    assert {"structured_classification", "structured_regression"} <= set(available_presets())
    preset = load_preset("structured_classification")
    assert "HistGradientBoosting" in preset.slots["model"].blocks
    assert preset.ranges["RandomForest"]["n_estimators"].high == 300


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[model]\nblocks = ["Boosting"]\n', "unknown block 'Boosting'; the blocks are"),
        ('[model]\nblocks = ["StandardScaler"]\n', "'StandardScaler' is a transformer, not a model"),
        ('[ranges.SVM]\nkernel = ["poly"]\n', "SVM has no hyperparameter 'kernel'; it has"),
        ('[ranges.SVM]\nC = [0.0001, 5.0]\n', r"C: \[0.0001, 5.0\] must lie inside"),
        ('[models]\nblocks = ["SVM"]\n', "unknown section 'models'"),
    ],
)
def test_preset_errors_name_the_problem(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_preset(path)


def test_unknown_preset_name_lists_the_presets():
    with pytest.raises(ValueError, match="preset 'nope' does not exist; the presets are"):
        load_preset("nope")


def test_presets_ship_inside_the_wheel(tmp_path):
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(root)], check=True)
    (wheel,) = tmp_path.glob("automl-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "automl/search_spaces/structured_classification.toml" in names
    assert "automl/search_spaces/structured_regression.toml" in names
