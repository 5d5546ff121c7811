"""What a fit leaves behind: its run directory (written atomically, resumable), report.html and its
figures, comparisons of recipes, and exports (ONNX, NumPy, JSON) for use without nnfit."""

from ._comparison import compare, comparison_row, table_html
from ._export import EXPORT_FORMATS, export
from ._plots import figure, log_scale, plot
from ._report import STYLE, figure_png, summary_html, write_report
from ._rundir import MARKER, load, reserve, run_status, run_summary, running_process, save, slug
from ._running import fit_into

__all__ = [
    "EXPORT_FORMATS",
    "MARKER",
    "STYLE",
    "compare",
    "comparison_row",
    "export",
    "figure",
    "figure_png",
    "fit_into",
    "load",
    "log_scale",
    "plot",
    "reserve",
    "run_status",
    "run_summary",
    "running_process",
    "save",
    "slug",
    "summary_html",
    "table_html",
    "write_report",
]
