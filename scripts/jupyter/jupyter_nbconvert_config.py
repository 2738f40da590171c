# Jupyter configuration for the notebooks mkdocs-jupyter executes at build time (the assets
# hook points JUPYTER_CONFIG_PATH here). Encrypting the local kernel's transport silences
# the kernel's "running over TCP without encryption" warning, which --strict builds and the
# build test would otherwise report.
c = get_config()  # type: ignore[name-defined]  # noqa: F821
c.KernelManager.transport_encryption = "auto"
