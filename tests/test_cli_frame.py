"""The command-line frame: usage errors follow the --json contract and the exit codes."""

import json

from cashier import cli


def test_usage_error_with_json_prints_one_json_object(capsys):
    assert cli.main(["qr", "12", "--json"]) == cli.EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    payload = json.loads(out)
    assert payload["exit_code"] == 2
    assert "--wallet" in payload["error"]
    assert err == ""


def test_usage_error_without_json_prints_usage_on_stderr(capsys):
    assert cli.main(["qr", "12"]) == cli.EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: cashier qr" in err
    assert "--wallet" in err


def test_unknown_command_is_bad_input(capsys):
    assert cli.main(["no-such-command", "--json"]) == cli.EXIT_BAD_INPUT
    assert "invalid choice" in json.loads(capsys.readouterr().out)["error"]
