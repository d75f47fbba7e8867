"""pytest configuration shared by the addons' tests and the cross-addon tests/.

pytest-odoo 1.0.1 treats every path as if it were inside an Odoo addon: on tests/ it
reads a manifest that does not exist and imports test files as ``odoo.addons.tests``.
These two hooks run before its own and take the paths outside an addon back to
pytest's ordinary collection; paths inside an addon stay with pytest-odoo.
"""
from pathlib import Path

import pytest


def _in_addon(path):
    """True for a file or folder inside an addon (not for the addon folder itself)."""
    return any((folder / "__manifest__.py").is_file()
               for folder in list(Path(str(path)).parents)[:5])


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path, config):
    if _in_addon(collection_path):
        return None
    # answering here skips pytest's own hook too: honour --ignore ourselves
    ignored = [Path(str(p)).resolve() for p in config.getoption("ignore") or []]
    return Path(str(collection_path)).resolve() in ignored


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    if _in_addon(module_path):
        return None
    if module_path.name == "__init__.py":
        return pytest.Package.from_parent(parent, path=module_path)
    return pytest.Module.from_parent(parent, path=module_path)
