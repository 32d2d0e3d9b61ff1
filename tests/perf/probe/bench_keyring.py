"""A stand-in for the OS keyring in the server start's benchmark (``bench_ui.bench_server_start``): the
``keyring`` package's backend interface, chosen as the package lets a user choose one
(``PYTHON_KEYRING_BACKEND=bench_keyring.Keyring``), holding what the JSON file ``ASSIST_BENCH_KEYRING`` names.
The program reads it exactly as it reads Windows' Credential Manager or the Secret Service (storage.credentials);
a real keyring adds its own look-up (a D-Bus call, the package's search for backends) that this one does not."""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend


class Keyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _kept(self) -> dict[str, str]:
        with open(os.environ["ASSIST_BENCH_KEYRING"], encoding="utf-8") as fh:
            return json.load(fh)

    def get_password(self, service: str, username: str) -> str | None:
        return self._kept().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError("the benchmark's keyring is read-only")

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError("the benchmark's keyring is read-only")
