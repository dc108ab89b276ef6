"""``python -m generator new``: a valid starting file, never an overwrite."""

from __future__ import annotations

import yaml

from generator.loader import load_catalogue
from helpers import run_cli


def _new(catalogue, *flags):
    return run_cli("new", "--catalogue", str(catalogue), *flags)


def test_new_file_is_valid_and_points_to_the_schema(base_catalogue) -> None:
    name = 'Đăng ký: "giám hộ" # NO 1.000080'
    run = _new(base_catalogue, "--code", "9.300001", "--name", name, "--agency", "ubnd-xa",
               "--field", "ho-tich", "--tiers", "xa,tinh", "--level", "4")
    assert run.returncode == 0, run.stderr
    path = base_catalogue / "ho-tich" / "9.300001.yml"
    assert run.stdout.strip() == path.as_posix()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.schema/procedure.schema.json\n")
    assert (base_catalogue / ".schema" / "procedure.schema.json").is_file()
    result = load_catalogue(base_catalogue)
    assert result.ok  # valid, but a draft: its placeholders keep it off the site (test below)
    created = next(e.procedure for e in result.catalogue.drafts if e.procedure.code == "9.300001")
    assert (created.name, created.tiers, created.level) == (name, ["xa", "tinh"], 4)
    assert created.online_url == "https://dichvucong.example.vn"  # the catalogue's portal, to be checked
    assert yaml.safe_load(text)["name"] == name


def test_placeholders_are_reported_at_their_lines_fail_strict_and_stay_off_the_site(base_catalogue,
                                                                                    tmp_path) -> None:
    run = _new(base_catalogue, "--code", "9.300002", "--name", "Thủ tục mới", "--agency", "ubnd-xa",
               "--field", "ho-tich", "--tiers", "xa", "--level", "3")
    assert run.returncode == 0, run.stderr
    path = base_catalogue / "ho-tich" / "9.300002.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    url_line = next(n for n, line in enumerate(lines, 1) if line.startswith("online_url:"))
    step_lines = [n for n, line in enumerate(lines, 1) if line.startswith("  - ") and "(viết lại)" in line]
    assert "Bước" not in "\n".join(lines)  # the page numbers the steps itself
    validate = run_cli("validate", "--catalogue", str(base_catalogue), cwd=tmp_path)
    placeholders = [line for line in validate.stdout.splitlines() if "9.300002.yml" in line]
    assert [line.split(":")[1] for line in placeholders] == [str(url_line), *map(str, step_lines)]
    assert all(": warning: " in line for line in placeholders) and "online_url" in placeholders[0]
    assert validate.returncode == 0 and "chưa lên trang web" in validate.stderr
    assert run_cli("validate", "--strict", "--catalogue", str(base_catalogue)).returncode == 1
    site = tmp_path / "site"
    build = run_cli("build", "--catalogue", str(base_catalogue), "--site-dir", str(site))
    assert build.returncode == 0, build.stderr
    assert "Chưa đưa lên trang web 1 thủ tục" in build.stderr and "9.300002" in build.stderr
    assert not (site / "thu-tuc" / "9.300002").exists() and (site / "thu-tuc" / "1.001193").exists()
    # The editor rewrites the steps and checks the address: the procedure is published.
    text = path.read_text(encoding="utf-8").replace("  # (kiểm tra lại)", "").replace("(viết lại) ", "")
    path.write_text(text, encoding="utf-8")
    assert run_cli("validate", "--strict", "--catalogue", str(base_catalogue)).returncode == 0
    assert run_cli("build", "--catalogue", str(base_catalogue), "--site-dir", str(site)).returncode == 0
    assert (site / "thu-tuc" / "9.300002" / "index.html").exists()


def test_new_never_overwrites(base_catalogue) -> None:
    source = base_catalogue / "ho-tich" / "1.001193.yml"
    before = source.read_bytes()
    run = _new(base_catalogue, "--code", "1.001193", "--name", "Trùng", "--agency", "ubnd-xa",
               "--field", "ho-tich", "--tiers", "xa", "--level", "1")
    assert run.returncode == 1
    assert "đã có" in run.stderr
    assert source.read_bytes() == before


def test_new_refuses_unknown_ids_with_a_suggestion(base_catalogue) -> None:
    run = _new(base_catalogue, "--code", "9.300002", "--name", "Thử", "--agency", "ubnd-xaa",
               "--field", "ho-tich", "--tiers", "xa", "--level", "1")
    assert run.returncode == 1
    assert "có phải là “ubnd-xa”?" in run.stderr
    assert not (base_catalogue / "ho-tich" / "9.300002.yml").exists()


def test_new_level_3_needs_an_online_address(base_catalogue) -> None:
    info = base_catalogue / "catalogue.yml"
    info.write_text(info.read_text(encoding="utf-8").replace("portal_url: https://dichvucong.example.vn\n", ""),
                    encoding="utf-8")
    flags = ["--code", "9.300003", "--name", "Thử", "--agency", "ubnd-xa", "--field", "ho-tich",
             "--tiers", "xa", "--level", "3"]
    refused = _new(base_catalogue, *flags)
    assert refused.returncode == 1 and "--online-url" in refused.stderr
    made = _new(base_catalogue, *flags, "--online-url", "https://dvc.example.vn/nop")
    assert made.returncode == 0, made.stderr
    result = load_catalogue(base_catalogue)  # the address the editor gave is not a guess to check
    assert result.ok and [d.key for d in result.diagnostics] == ["steps[0]", "steps[1]"]


def test_new_in_a_script_names_the_missing_flags(base_catalogue) -> None:
    run = _new(base_catalogue, "--code", "9.300004")
    assert run.returncode == 1
    assert run.stderr.strip() == "Thiếu: --name, --agency, --field, --tiers, --level"


def test_new_at_a_terminal_lists_the_ids_and_checks_each_answer_at_once(base_catalogue) -> None:
    """An editor at a terminal: each prompt lists what it takes, and a wrong answer is asked again."""
    import os
    import pty
    import subprocess
    import sys
    import time

    from conftest import ROOT

    answers = ["1.001193", "9.300005", "Thủ tục hỏi đáp", "ubnd-xaa", "ubnd-xa", "ho-tich", "xa", "5", "1"]
    main, child = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "generator", "new", "--catalogue", str(base_catalogue)],
                               stdin=child, stdout=child, stderr=child, cwd=ROOT, env=env, close_fds=True)
    os.close(child)
    output = b""
    for answer in answers:
        deadline = time.monotonic() + 30
        while not output.rstrip().endswith(b":") and time.monotonic() < deadline:
            output += os.read(main, 4096)
        os.write(main, answer.encode() + b"\n")
        output += b"\n"
    process.wait(timeout=60)
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    text = output.decode("utf-8", "replace")
    assert process.returncode == 0, text
    assert "Cơ quan (mã) (có: so-tu-phap, ubnd-xa):" in text
    assert "mã “1.001193” đã có trong bộ thủ tục" in text  # said right after the code, not at the end
    assert "cơ quan “ubnd-xaa” không có trong catalogue.yml; có phải là “ubnd-xa”" in text
    assert "mức độ phải là 1, 2, 3 hoặc 4" in text
    assert (base_catalogue / "ho-tich" / "9.300005.yml").is_file()
