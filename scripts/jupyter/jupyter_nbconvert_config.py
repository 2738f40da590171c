# Jupyter configuration for the notebooks mkdocs-jupyter executes at build time (the assets
# hook points JUPYTER_CONFIG_PATH here). Encrypting the local kernel's transport silences
# the kernel's "running over TCP without encryption" warning, which --strict builds and the
# build test would otherwise report.
c = get_config()  # type: ignore[name-defined]  # noqa: F821
c.KernelManager.transport_encryption = "auto"

# A cell's prints can reach the notebook as one stream output or as several, depending on when
# the kernel flushed (timing): merge consecutive stream outputs AFTER execution, so a build
# renders each cell's text identically every time (nbconvert's default list coalesces before
# executing, where it has nothing to merge yet).
c.Exporter.default_preprocessors = [
    "nbconvert.preprocessors.TagRemovePreprocessor",
    "nbconvert.preprocessors.RegexRemovePreprocessor",
    "nbconvert.preprocessors.ClearOutputPreprocessor",
    "nbconvert.preprocessors.ExecutePreprocessor",
    "nbconvert.preprocessors.CoalesceStreamsPreprocessor",
    "nbconvert.preprocessors.SVG2PDFPreprocessor",
    "nbconvert.preprocessors.LatexPreprocessor",
    "nbconvert.preprocessors.HighlightMagicsPreprocessor",
    "nbconvert.preprocessors.ExtractOutputPreprocessor",
    "nbconvert.preprocessors.ExtractAttachmentsPreprocessor",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
]
c.CoalesceStreamsPreprocessor.enabled = True
