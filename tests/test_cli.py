"""The glassnet command: demo trains and reports; train learns a CSV; summary; help."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet.cli import main
from glassnet.demos import DEMOS, moons_demo, run_demo, two_moons
from glassnet.train_csv import _choose_task, read_table, train_csv


def test_two_moons_shapes_and_balance():
    x, y = two_moons(200, seed=1)
    assert x.shape == (200, 2) and x.dtype.name == "float32"
    assert set(y.tolist()) == {0, 1} and y.sum() == 100


def test_moons_demo_learns_and_reports():
    lines = []
    result = moons_demo(epochs=60, print_fn=lines.append)
    assert result["test_accuracy"] >= 0.9
    assert result["loss"] < 0.2
    assert result["findings"] == []  # the doctor finds nothing wrong with the default demo
    text = "\n".join(lines)
    assert "accuracy: train" in text and "What it learned" in text
    assert "epoch 60/60" in text and "Training doctor: no problems found." in text


def test_cli_demo_runs_as_a_command(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "glassnet", "demo", "--epochs", "50", "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "held-out test" in out.stdout
    pytest.importorskip("matplotlib")
    for kind in ("history", "decision_boundary", "layers"):
        path = tmp_path / f"moons_{kind}.png"
        assert path.stat().st_size > 10_000
        assert str(path) in out.stdout


def test_cli_demo_needs_neither_matplotlib_nor_scikit_learn(tmp_path):
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['sklearn'] = None\n"
        "from glassnet.cli import main\n"
        f"sys.exit(main(['demo', '--epochs', '5', '--out', {str(tmp_path)!r}]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "plots skipped: matplotlib is not installed (pip install matplotlib)" in out.stdout
    assert "held-out test" in out.stdout
    assert list(tmp_path.iterdir()) == []


def test_cli_help_lists_every_command_and_demo(capsys):
    assert main([]) == 0
    text = capsys.readouterr().out
    assert all(command in text for command in ("demo", "train", "summary"))
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert all(f"  {name} " in text for name in DEMOS)
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "--target" in capsys.readouterr().out


def test_cli_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "circle"])
    assert "invalid choice: 'circle'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "--epochs", "0"])
    assert "expected --epochs >= 1, got 0" in capsys.readouterr().err


@pytest.mark.parametrize("name", [n for n in DEMOS if n != "moons"])
def test_every_demo_trains_and_reports(name):
    if DEMOS[name].needs:
        pytest.importorskip({"scikit-learn": "sklearn"}.get(DEMOS[name].needs, DEMOS[name].needs))
    lines = []
    result = run_demo(name, epochs=1, print_fn=lines.append)
    text = "\n".join(lines)
    assert text.startswith(f"glassnet demo {name}: ") and "Training doctor:" in text
    assert "epoch 1/1" in text and "held-out test" in text
    if DEMOS[name].task == "regression":
        assert np.isfinite([result["mae"], result["rmse"]]).all()
    else:
        assert 0 <= result["test_accuracy"] <= 1


def test_demo_plots_for_a_classifier_without_two_features(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    lines = []
    result = run_demo("iris", epochs=3, out=tmp_path, print_fn=lines.append)
    kinds = [p.rsplit("_", 1)[0].split("iris_")[-1] for p in result["plots"]]
    assert [p.split("iris_")[-1] for p in result["plots"]] == [
        "history.png", "confusion_matrix.png", "layers.png"]  # fmt: skip
    assert kinds and all((tmp_path / p.split("/")[-1]).is_file() for p in result["plots"])


# ---------------------------------------------------------------------------- train
def _write_csv(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n")
    return path


@pytest.fixture
def flowers_csv(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(120):
        kind = i % 3
        size = rng.normal(loc=[10.0, 50.0, 90.0][kind], scale=4.0)  # unscaled on purpose
        rows.append(
            [round(size, 2), round(rng.normal(), 3), f"id{i}", ["rose", "tulip", "iris"][kind]]
        )
    rows.append(["", 0.5, "id_missing", "rose"])
    return _write_csv(tmp_path / "flowers.csv", ["size", "noise", "name", "kind"], rows)


def test_train_csv_classifies_text_labels_and_saves_a_model_for_raw_values(flowers_csv, tmp_path):
    lines = []
    out = tmp_path / "model"
    result = train_csv(flowers_csv, "kind", hidden=[16], epochs=60, lr=0.01, out=out,
                       plots=False, print_fn=lines.append)  # fmt: skip
    text = "\n".join(lines)
    assert "left out columns that are not numbers: name" in text
    assert "left out 1 rows with missing values" in text
    assert result["task"] == "classification" and result["test_accuracy"] >= 0.9
    info = json.loads((out / "model-info.json").read_text())
    assert info["classes"] == ["iris", "rose", "tulip"] and info["features"] == ["size", "noise"]
    model = glassnet.load_model(out / "model.glassnet")
    assert model.layers[0].name == "standardize"
    raw = np.array([[10.0, 0.0], [50.0, 0.0], [90.0, 0.0]], np.float32)
    assert model.predict(raw).argmax(axis=1).tolist() == [1, 2, 0]  # rose, tulip, iris


def test_train_csv_regression_predicts_in_the_targets_units(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 2)) * [100.0, 1.0] + [1000.0, 0.0]
    y = 0.5 * x[:, 0] + 20 * x[:, 1] + rng.normal(size=300)
    path = _write_csv(tmp_path / "houses.csv", ["area", "rooms", "price"],
                      np.round(np.column_stack([x, y]), 4).tolist())  # fmt: skip
    result = train_csv(path, "price", hidden=[16], epochs=80, lr=0.01, out=tmp_path / "m",
                       plots=False, print_fn=lambda s: None)  # fmt: skip
    assert result["task"] == "regression" and result["r2"] > 0.95
    model = glassnet.load_model(tmp_path / "m" / "model.glassnet")
    assert [layer.name for layer in (model.layers[0], model.layers[-1])] == [
        "standardize", "unstandardize"]  # fmt: skip
    guess = float(model.predict(np.array([[1000.0, 0.0]], np.float32))[0, 0])
    assert guess == pytest.approx(500.0, abs=0.1 * y.std())


def test_cli_train_and_summary(flowers_csv, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", str(flowers_csv), "--target", "kind", "--epochs", "3",
                 "--out", str(out), "--no-plots"]) == 0  # fmt: skip
    assert "saved: " in capsys.readouterr().out
    assert main(["summary", str(out / "model.glassnet")]) == 0
    text = capsys.readouterr().out
    assert "standardize (Rescaling)" in text and "Classes: iris, rose, tulip" in text


def test_cli_train_errors_are_short_messages(flowers_csv, tmp_path, capsys):
    assert main(["train", str(flowers_csv), "--target", "Kind", "--out", str(tmp_path)]) == 1
    assert "no column named 'Kind'" in capsys.readouterr().err
    assert main(["train", str(tmp_path / "none.csv"), "--target", "y"]) == 1
    assert "No such file" in capsys.readouterr().err
    few = _write_csv(tmp_path / "few.csv", ["a", "y"], [[i, i % 2] for i in range(5)])
    assert main(["train", str(few), "--target", "y", "--out", str(tmp_path)]) == 1
    assert "expected at least 10 complete rows" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "missing.glassnet")]) == 1
    assert "no file or folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", str(few), "--target", "y", "--hidden", "0,a"])
    assert "expected --hidden as positive sizes" in capsys.readouterr().err


def test_task_follows_the_target():
    assert _choose_task(np.array([0.0, 1.0, 2.0, 1.0]), "auto", "y") == "classification"
    assert _choose_task(np.array([0.5, 1.0, 2.0]), "auto", "y") == "regression"
    assert _choose_task(np.arange(25.0), "auto", "y") == "regression"  # too many values
    assert _choose_task(np.array(["a", "b"]), "auto", "y") == "classification"
    assert _choose_task(np.arange(25.0), "classification", "y") == "classification"
    with pytest.raises(ValueError, match="expected numbers in column 'y'"):
        _choose_task(np.array(["a", "b"]), "regression", "y")


def test_read_table_semicolons_missing_cells_and_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;c\n1;x;NA\n2.5;y;3\n")
    header, columns = read_table(path)
    assert header == ["a", "b", "c"]
    np.testing.assert_array_equal(columns["a"], [1.0, 2.5])
    assert columns["b"].tolist() == ["x", "y"] and np.isnan(columns["c"][0])
    path.write_text("a,b\n1,2\n3\n")
    with pytest.raises(ValueError, match="row 3: expected 2 values"):
        read_table(path)
