"""Setting a terminal up without a window: the file start-up reads, a test scan on a real pty,
and a validated setup written whole or not at all."""

from __future__ import annotations

import os
import sys

import pytest

from cashier.config import config_from_dict, load_config
from cashier.first_setup import (
    ScanTestError,
    SetupPlan,
    config_target,
    needs_first_run,
    wait_for_scan,
    write_setup,
)
from cashier.operators import OperatorError, OperatorStore, operators_path
from cashier.secrets import MemorySecretStore
from tests.test_operators import assert_pin_only_hashed

MERCHANT = {"ottpay": {"merchant_id": "QC00005496", "operator_id": "0000020156",
                       "sign_key_source": "keyring"}}
SIGN_KEY = "0123456789ABCDEF"


def test_the_settings_file_is_the_option_then_the_environment(tmp_path):
    named, from_env = tmp_path / "named.toml", tmp_path / "env.toml"
    assert config_target(named, {"CASHIER_CONFIG": str(from_env)}) == named
    assert config_target(None, {"CASHIER_CONFIG": str(from_env)}) == from_env
    assert needs_first_run(named, {})
    named.write_text("", encoding="utf-8")
    assert not needs_first_run(named, {})


def test_a_setup_writes_key_file_and_first_manager(tmp_path):
    store = MemorySecretStore()
    path = tmp_path / "cashier.toml"
    config = config_from_dict(MERCHANT, secret_store=MemorySecretStore({"QC00005496": SIGN_KEY}))
    write_setup(SetupPlan(config, path, SIGN_KEY, ("Li Na", "0000000007", "482913")), store)
    assert store.get_sign_key("QC00005496") == SIGN_KEY
    assert load_config(path, secret_store=store, env={}).ottpay.sign_key == SIGN_KEY
    assert SIGN_KEY not in path.read_text(encoding="utf-8")
    assert_pin_only_hashed(operators_path(path), "Li Na", "482913")


def test_a_setup_whose_manager_pin_is_taken_writes_nothing(tmp_path):
    path = tmp_path / "cashier.toml"
    OperatorStore(operators_path(path)).add("Wang Wei", "0000000008", "manager", "482913")
    store = MemorySecretStore()
    config = config_from_dict(MERCHANT, secret_store=MemorySecretStore({"QC00005496": SIGN_KEY}))
    with pytest.raises(OperatorError, match="PIN is already used"):
        write_setup(SetupPlan(config, path, SIGN_KEY, ("Li Na", "0000000007", "482913")), store)
    assert not path.exists() and store.get_sign_key("QC00005496") is None


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_a_test_scan_returns_the_first_whole_code():
    master, slave = os.openpty()
    try:
        code = wait_for_scan(os.ttyname(slave), timeout=30.0,
                             on_open=lambda: os.write(master, b"134567890123451111\r"))
    finally:
        os.close(master)
        os.close(slave)
    assert code == "134567890123451111"


def test_a_test_scan_on_a_port_that_is_not_there_says_so(tmp_path):
    with pytest.raises(ScanTestError) as info:
        wait_for_scan(str(tmp_path / "ttyNONE"), timeout=1.0)
    assert info.value.kind == "absent"
