"""The FAQ and config reader gives exactly what PyYAML's safe loader gives, for every kind of
YAML an operator may write (it builds plain documents from the parser's events, for speed)."""

from __future__ import annotations

import pytest
import yaml

from handlers.loading import ConfigError, parse_yaml

from .conftest import CONFIG, FAQ

DOCUMENTS = [
    "",
    "# only a comment\n",
    "version: 1\nentries: []\n",
    'a: "quoted"\nb: \'single\'\nc: plain text here\nd: ""\ne:\nf: ~\ng: null\n',
    "yes_no: [yes, no, on, off, true, False, y, n]\n",
    "numbers: [1, -2, 0x1f, 0o17, 1_000, 1.5, .inf, -.Inf, .nan, 1e3, '12', 190:20:30]\n",
    "when: 2024-01-02\nat: 2024-01-02 03:04:05\n",
    "folded: >\n  one\n  two\nliteral: |\n  keep\n  lines\n",
    "nested:\n  - {a: 1, b: [x, y]}\n  - - deep\n    - list\n",
    "zh: [怎么重置谷歌验证？, '手机丢了', \"提币\"]\n",
    "dup: 1\ndup: 2\n",
    "1: int key\n2.5: float key\ntrue: bool key\n~: null key\n",
    "base: &b {x: 1}\nother: *b\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
    "tagged: !!str 123\nset: !!set {a, b}\n",
    "? [complex, key]\n: value\n",
    "=: value key\n",
    "- top\n- level\n- list\n",
    "just a scalar\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents_read_as_pyyaml_reads_them(text):
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(ConfigError):
            parse_yaml(text.encode(), "x.yaml")
        return
    assert parse_yaml(text.encode(), "x.yaml") == expected


def test_the_shipped_files_read_as_pyyaml_reads_them():
    for path in (FAQ, CONFIG):
        assert parse_yaml(path.read_bytes(), path) == yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 1\n---\nb: 2\n", "a: *missing\n", "\tx: 1\n"])
def test_broken_yaml_is_refused_with_the_file_named(text):
    with pytest.raises(ConfigError, match="x.yaml"):
        parse_yaml(text.encode(), "x.yaml")
