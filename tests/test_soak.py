"""The soak runner names every failing test and the test a dying run was in."""

from __future__ import annotations

from tests.soak import main


def test_soak_names_failures_and_the_test_a_run_died_in(tmp_path, capsys):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_sample.py").write_text(
        "import os\n"
        "def test_passes():\n    pass\n"
        "def test_fails():\n    assert False\n")
    (suite / "test_zz_dies.py").write_text(
        "import os\ndef test_aborts():\n    os.abort()\n")
    logs = str(tmp_path / "logs")
    assert main(["--runs", "1", "--logs", logs, str(suite / "test_sample.py")]) == 1
    out = capsys.readouterr().out
    assert "run 1/1" in out and "FAILED" in out and "test_fails" in out
    assert "test_passes" not in out.split("FAILED", 1)[1]
    assert main(["--runs", "2", "--logs", logs, str(suite)]) == 1
    out = capsys.readouterr().out
    assert out.count("DIED (killed by signal 6) in ") == 2 and "test_aborts" in out
    assert "2 runs: 0 clean, 2 not" in out


def test_soak_of_a_clean_suite_exits_0(tmp_path, capsys):
    (tmp_path / "test_ok.py").write_text("def test_ok():\n    pass\n")
    assert main(["--runs", "2", "--logs", str(tmp_path / "logs"), str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count(": 1 passed") == 2 and "2 runs: 2 clean, 0 not" in out
