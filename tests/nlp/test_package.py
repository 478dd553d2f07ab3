"""The nlp package stays a leaf, does no work at import and keeps its __init__ empty."""

import ast
import subprocess
import sys
from pathlib import Path

NLP = Path(__file__).resolve().parents[2] / "nlp"


def test_init_is_empty() -> None:
    assert (NLP / "__init__.py").read_text(encoding="utf-8").strip() == ""


def test_nlp_imports_none_of_our_other_packages() -> None:
    for path in NLP.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                assert name.split(".")[0] not in {"bot", "handlers", "storage", "reports"}, (path.name, name)


def test_import_does_not_load_jieba_dictionary_or_cn2an() -> None:
    code = (
        "import sys, nlp.progress, nlp.evaluation, nlp.reply;"
        "import jieba; print(jieba.dt.initialized, 'cn2an' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_warm_up_loads_what_the_first_reply_would_have() -> None:
    # In a fresh process: importing the warm-up loads nothing; calling it loads cn2an and the given segmenter.
    code = (
        "import sys; from nlp.warm_up import warm_up; from nlp.segment import Segmenter;"
        "s = Segmenter(); before = ('cn2an' in sys.modules, s._ready); warm_up(s);"
        "print(*before, 'cn2an' in sys.modules, s._ready)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "True", "True"]
