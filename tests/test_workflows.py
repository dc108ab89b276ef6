"""The CI files a province copies: valid for GitHub and GitLab, and publishing only from main.

Neither service can be reached from a test, so the files are checked against the
services' JSON Schemas vendored in check-jsonschema, and their conditions are
evaluated for each kind of event: a pull request must never deploy. The job that makes
the published site installs only what building needs, and every install, there, in the
Makefile and in .ci/run, checks the hashes in requirements/*.lock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, copy_base
from helpers import run_cli

GITHUB = ROOT / ".github" / "workflows" / "site.yml"
LINKS = ROOT / ".github" / "workflows" / "links.yml"
MAKEFILE = ROOT / "Makefile"
CI_RUN = ROOT / ".ci" / "run"
GITLAB = ROOT / ".gitlab-ci.yml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
OFFLINE = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    """The schema copy shipped inside the package; any attempt to fetch one would hit a closed port."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")} | OFFLINE
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("schema, path", [("vendor.github-workflows", GITHUB), ("vendor.github-workflows", LINKS),
                                          ("vendor.gitlab-ci", GITLAB)], ids=["github", "github-links", "gitlab"])
def test_ci_files_match_the_services_schemas(schema: str, path: Path, tmp_path: Path) -> None:
    run = _check_jsonschema(schema, path)
    assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / path.name  # the same check must catch a misspelt key
    broken.write_text(path.read_text(encoding="utf-8").replace("script:", "scripts:").replace("steps:", "step:"),
                      encoding="utf-8")
    assert _check_jsonschema(schema, broken).returncode == 1


def _value(token: str, context: dict[str, str]) -> str | None:
    token = token.strip()
    return token[1:-1] if token[:1] in "'\"" else context.get(token.lstrip("$"))


def _holds(condition: str | None, context: dict[str, str]) -> bool:
    """A condition as these files write them: comparisons joined by && and ||, no parentheses.

    Variables are GitHub contexts (``github.ref_name``) or GitLab variables
    (``$CI_COMMIT_BRANCH``); an unset one is null, as on both services.
    """
    if condition is None:
        return True
    condition = condition.strip().removeprefix("${{").removesuffix("}}")
    for alternative in condition.split("||"):
        terms = [re.fullmatch(r"\s*(\S+)\s*(==|!=)\s*(\S+)\s*", term) for term in alternative.split("&&")]
        assert all(terms), f"not a comparison this test can evaluate: {alternative}"
        if all((_value(t[1], context) == _value(t[3], context)) == (t[2] == "==") for t in terms):
            return True
    return False


def _github() -> dict:
    return yaml.safe_load(GITHUB.read_text(encoding="utf-8"))


def _github_jobs_run(context: dict[str, str]) -> set[str]:
    jobs = _github()["jobs"]

    def runs(name: str) -> bool:
        needs = jobs[name].get("needs", [])
        return _holds(jobs[name].get("if"), context) and all(runs(n) for n in ([needs] if isinstance(needs, str)
                                                                                 else needs))
    return {name for name in jobs if runs(name)}


def _uses(step: dict, action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


REPO = "so-tu-phap/thu-tuc"
GITHUB_EVENTS = {
    "pull request": ({"github.event_name": "pull_request", "github.ref_name": "12/merge",
                      "github.event.pull_request.head.repo.full_name": REPO}, {"test", "comment"}),
    "pull request from a fork": ({"github.event_name": "pull_request", "github.ref_name": "13/merge",
                                  "github.event.pull_request.head.repo.full_name": "ai-do/thu-tuc"}, {"test"}),
    "push to main": ({"github.event_name": "push", "github.ref_name": "main"}, {"test", "site", "deploy"}),
    "manual run on main": ({"github.event_name": "workflow_dispatch", "github.ref_name": "main"},
                           {"test", "site", "deploy"}),
    "manual run on a branch": ({"github.event_name": "workflow_dispatch", "github.ref_name": "thu-nghiem"},
                               {"test"}),
}


@pytest.mark.parametrize("event", GITHUB_EVENTS)
def test_github_publishes_only_from_the_default_branch(event: str) -> None:
    context, expected = GITHUB_EVENTS[event]
    context = {"github.repository": REPO, "github.event.repository.default_branch": "main", **context}
    assert _github_jobs_run(context) == expected
    jobs = _github()["jobs"]
    upload = [name for name, job in jobs.items() for s in job["steps"] if _uses(s, "actions/upload-pages-artifact")]
    assert upload == ["site"]  # only in the job that runs on the default branch, after the tests
    changes = [s for s in jobs["test"]["steps"] if "generator changes" in s.get("run", "")]
    assert len(changes) == 1 and _holds(changes[0].get("if"), context) == (context["github.event_name"] ==
                                                                           "pull_request")


def test_github_workflow_triggers_permissions_and_pins() -> None:
    workflow = _github()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    assert triggers["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert {name: job.get("permissions") for name, job in jobs.items()} == {
        "test": None, "site": None, "comment": {"pull-requests": "write"}, "deploy": {"pages": "write", "id-token": "write"}}
    assert [s for s in jobs["deploy"]["steps"] if _uses(s, "actions/deploy-pages")]
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert jobs["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert "cancel-in-progress" in workflow["concurrency"]
    for job in jobs.values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]
    checkout = [s for s in jobs["test"]["steps"] if _uses(s, "actions/checkout")]
    assert checkout[0]["with"]["fetch-depth"] == 0
    assert "gh pr comment" in jobs["comment"]["steps"][-1]["run"]
    assert "${{ github.token }}" in jobs["comment"]["steps"][-1]["env"].values()


def _readme_commands() -> list[str]:
    """The Quick start's commands: what a developer runs is what CI runs."""
    block = re.search(r"## Quick start\n.*?```sh\n(.*?)```", README, re.S)[1]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def _script_lines(script: list[str] | str) -> list[str]:
    text = "\n".join(script) if isinstance(script, list) else script
    return [line.strip() for line in text.splitlines()]


def test_both_services_run_the_readme_commands_chromium_included() -> None:
    assert _readme_commands() == ["make site", "make test"]
    build = _github()["jobs"]["test"]
    assert build["container"] == "python:3.11-bookworm"
    runs = [line for step in build["steps"] for line in _script_lines(step.get("run", ""))]
    assert [line for line in runs if line in _readme_commands()] == _readme_commands()
    assert ".venv/bin/python -m generator validate --format github --strict" in runs
    assert any(re.search(r"apt-get install -y .*\bchromium\b", line) for line in runs)
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert gitlab["image"] == "python:3.11-bookworm"
    assert re.search(r"apt-get install -y .*\bchromium\b", gitlab["default"]["before_script"][0])
    for job in ("merge-request", "test"):
        lines = _script_lines(gitlab[job]["script"])
        assert [line for line in lines if line in _readme_commands()] == _readme_commands(), job


_GITLAB_KEYWORDS = {"image", "services", "stages", "variables", "workflow", "default", "include", "cache",
                    "before_script", "after_script"}

GITLAB_PIPELINES = {
    "merge request": ({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7"},
                      {"merge-request"}),
    "push to the default branch": ({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"},
                                   {"test", "pages"}),
    "push to another branch": ({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "thu-nghiem"}, set()),
    "scheduled pipeline": ({"CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main"}, {"links"}),
    "scheduled pipeline on another branch": ({"CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "thu-nghiem"},
                                             {"links"}),
}


def _gitlab_rules_pass(rules: list[dict] | None, context: dict[str, str]) -> bool:
    """GitLab's rule: the first whose ``if`` holds decides; no rules means always."""
    if rules is None:
        return True
    for rule in rules:
        if _holds(rule.get("if"), context):
            return rule.get("when", "on_success") != "never"
    return False


@pytest.mark.parametrize("pipeline", GITLAB_PIPELINES)
def test_gitlab_publishes_only_from_the_default_branch(pipeline: str) -> None:
    context, expected = GITLAB_PIPELINES[pipeline]
    context = {"CI_DEFAULT_BRANCH": "main", **context}
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    jobs = {k: v for k, v in config.items() if k not in _GITLAB_KEYWORDS and not k.startswith(".")}
    running = {name for name, job in jobs.items() if _gitlab_rules_pass(job.get("rules"), context)} \
        if _gitlab_rules_pass(config["workflow"]["rules"], context) else set()
    assert running == expected
    publishing = {name for name, job in jobs.items() if "public" in job.get("artifacts", {}).get("paths", [])}
    assert publishing == {"pages"}
    assert _script_lines(jobs["pages"]["script"])[-1] == "mv site public"


def _gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def test_the_published_site_is_built_after_the_tests_with_build_packages_only() -> None:
    """`make site` installs requirements/build.lock alone: no test package runs where the site is made."""
    jobs = _github()["jobs"]
    site = jobs["site"]
    assert site["needs"] == "test" and jobs["deploy"]["needs"] == "site"
    assert site["if"] == jobs["deploy"]["if"] and site["container"] == jobs["test"]["container"]
    runs = [line for step in site["steps"] for line in _script_lines(step.get("run", ""))]
    assert "make site" in runs
    assert not [line for line in runs if re.search(r"make test|pip|chromium|pytest", line)]
    gitlab = _gitlab()
    pages, test = gitlab["pages"], gitlab["test"]
    assert _script_lines(pages["script"]) == ["make site", "mv site public"]
    assert pages["before_script"] == []  # not the default one, which installs Chromium
    assert gitlab["stages"].index(test["stage"]) < gitlab["stages"].index(pages["stage"])
    assert test["rules"] == pages["rules"] and "make test" in _script_lines(test["script"])


def _makefile_rules() -> dict[str, tuple[list[str], list[str]]]:
    """{target: (prerequisites, recipe lines)}, variables as written (``$(BUILD_STAMP)``)."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    recipe: list[str] = []
    for line in MAKEFILE.read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        if line.startswith("\t"):
            recipe.append(line.strip())
        elif (rule := re.match(r"([^\s:=#][^:=]*):(?!=)(.*)", line)):
            recipe = []
            rules[rule[1].strip()] = (rule[2].replace("|", " ").split(), recipe)
    return rules


def _pip_installs(lines: list[str]) -> list[str]:
    return [line for line in lines if re.search(r"\bpip3? install\b", line)]


def test_every_install_checks_the_hashes_of_the_locks() -> None:
    rules = _makefile_rules()
    build, test = rules["$(BUILD_STAMP)"], rules["$(TEST_STAMP)"]
    assert rules["site"][0] == ["$(BUILD_STAMP)"] and rules["test"][0][0] == "$(TEST_STAMP)"
    assert "requirements/build.lock" in build[0] and {"requirements/test.lock", "$(BUILD_STAMP)"} <= set(test[0])
    assert _pip_installs(test[1]) == ["$(PY) -m pip install --quiet --require-hashes -r requirements/test.lock"]
    installs = _pip_installs(build[1])
    assert installs[0] == "$(PY) -m pip install --quiet --require-hashes -r requirements/build.lock"
    # The project itself cannot be hashed: it may bring nothing the lock did not, nor fetch its build backend.
    assert len(installs) == 2 and installs[1].endswith("pip install --quiet --no-deps --no-build-isolation -e .")
    everywhere = [line for _, recipe in rules.values() for line in recipe]
    everywhere += _script_lines(CI_RUN.read_text(encoding="utf-8"))
    everywhere += [line for job in _github()["jobs"].values() for step in job["steps"]
                   for line in _script_lines(step.get("run", ""))]
    everywhere += [line for job in _gitlab().values() if isinstance(job, dict)
                   for key in ("before_script", "script", "after_script") for line in _script_lines(job.get(key, []))]
    assert len(_pip_installs(everywhere)) >= 5  # build, project, test, and make lock's two
    assert [line for line in _pip_installs(everywhere) if "--require-hashes" not in line and " -e ." not in line] == []
    assert ["make site", "make test"] == [line for line in _script_lines(CI_RUN.read_text(encoding="utf-8"))
                                          if line.startswith("make ")]


def test_gitlab_merge_request_report_and_optional_note() -> None:
    job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["merge-request"]
    script = "\n".join(job["script"])
    assert '--format markdown > thay-doi.md' in script and job["artifacts"]["paths"] == ["thay-doi.md"]
    assert 'if [ -n "${MR_NOTE_TOKEN:-}" ]; then' in script  # no token: no note, the job still passes
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in script
    assert "MR_NOTE_TOKEN" in README


def test_gitlab_code_quality_report_points_at_each_line(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    shutil.copy(FIXTURES / "invalid" / "agency_unknown.yml", catalogue)
    shutil.copy(FIXTURES / "warning" / "steps_duplicated.yml", catalogue)
    run = run_cli("validate", "--catalogue", "catalogue", "--format", "gitlab", cwd=tmp_path)
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert [(r["location"]["path"], r["location"]["lines"]["begin"], r["check_name"], r["severity"])
            for r in report][:1] == [("catalogue/agency_unknown.yml", 4, "agency", "major")]
    assert report[0]["description"].startswith("agency: “ubnd-huyen” không có trong danh mục cơ quan")
    assert {r["severity"] for r in report[1:]} == {"minor"} and len(report) > 1  # the warnings
    assert len({r["fingerprint"] for r in report}) == len(report)
    job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["merge-request"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    assert "--format gitlab > gl-code-quality.json" in job["after_script"][0]


# --- the weekly link check -----------------------------------------------------------------


def _links_steps() -> dict[str, dict]:
    workflow = yaml.safe_load(LINKS.read_text(encoding="utf-8"))
    return {step.get("id") or step.get("name") or step["uses"]: step for step in workflow["jobs"]["check-links"]["steps"]}


def test_link_check_runs_weekly_with_annotations_and_may_only_write_issues() -> None:
    workflow = yaml.safe_load(LINKS.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert re.fullmatch(r"\d+ \d+ \* \* \d", triggers["schedule"][0]["cron"])  # once a week
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    steps = _links_steps()
    for step in steps.values():
        if "uses" in step:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]
    assert _script_lines(steps["check"]["run"])[:3] == [  # not through make, which turns exit code 1 into 2
        "make -s venv", "status=0", ".venv/bin/python -m generator check-links --format github > chu-thich.txt || status=$?"]
    issue_steps = [s for s in steps.values() if "gh issue" in s.get("run", "")]
    assert len(issue_steps) == 1 and issue_steps[0]["env"]["GH_TOKEN"] == "${{ github.token }}"
    # the issue is touched after a check that ran (0 or 1), never after a crash; broken links fail the run
    for status, touched, failed in (("0", True, False), ("1", True, True), ("2", False, True), ("", False, True)):
        context = {"steps.check.outputs.status": status}
        assert _holds(issue_steps[0]["if"], context) == touched, status
        assert _holds(steps["Liên kết hỏng làm lần chạy thất bại"]["if"], context) == failed, status


def _run_step(step: dict, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


def test_link_check_issue_lists_each_link_with_a_link_to_its_line(tmp_path: Path) -> None:
    from generator.diagnostics import Diagnostic, Severity, github_annotation

    found = [Diagnostic("procedures/ho-tich/1.001193.yml", 45, 10, "legal_basis[0].url",
                        "liên kết hỏng: không có trang này (máy chủ trả lời mã 404)", Severity.WARNING),
             Diagnostic("procedures/catalogue.yml", 8, 8, "status_lookup.url", "trang đã đổi địa chỉ sang "
                        "https://example.vn/tra-c%E1%BB%A9u?a=1,b=2; hãy thay liên kết bằng địa chỉ mới", Severity.WARNING)]
    (tmp_path / "chu-thich.txt").write_text("".join(github_annotation(d) + "\n" for d in found), encoding="utf-8")
    step = next(s for s in _links_steps().values() if "issue.md" in s.get("run", "") and "python3" in s["run"])
    files = "https://github.com/so-tu-phap/thu-tuc/blob/abc123"
    run = _run_step(step, tmp_path, {"FILES": files, "RUN": "https://github.com/so-tu-phap/thu-tuc/actions/runs/7"})
    assert run.returncode == 0, run.stderr
    body = (tmp_path / "issue.md").read_text(encoding="utf-8").splitlines()
    assert "([chi tiết](https://github.com/so-tu-phap/thu-tuc/actions/runs/7))" in body[0]
    assert body[2:] == [
        f"- [ ] [procedures/ho-tich/1.001193.yml:45]({files}/procedures/ho-tich/1.001193.yml#L45) `legal_basis[0].url`: "
        "liên kết hỏng: không có trang này (máy chủ trả lời mã 404)",
        f"- [ ] [procedures/catalogue.yml:8]({files}/procedures/catalogue.yml#L8) `status_lookup.url`: trang đã đổi "
        "địa chỉ sang https://example.vn/tra-c%E1%BB%A9u?a=1,b=2; hãy thay liên kết bằng địa chỉ mới"]


@pytest.mark.parametrize("annotations, open_issue, expected", [
    ("::warning file=a.yml,line=1,col=1::x\n", "", "issue create --title Liên kết hỏng hoặc đã đổi địa chỉ "
                                                  "--body-file issue.md"),
    ("::warning file=a.yml,line=1,col=1::x\n", "42", "issue edit 42 --body-file issue.md"),
    ("", "42", "issue close 42 --comment Lần kiểm tra ngày"),
    ("", "", None),
], ids=["new", "still-broken", "all-fixed", "nothing-to-do"])
def test_link_check_keeps_one_issue(tmp_path: Path, annotations: str, open_issue: str, expected: str | None) -> None:
    """``gh`` replaced by a script that logs its arguments and lists the open issue it is told of."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text('#!/bin/sh\necho "$*" >> "$GH_LOG"\n'
                                'if [ "$1 $2" = "issue list" ] && [ -n "$OPEN_ISSUE" ]; then echo "$OPEN_ISSUE"; fi\n')
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "chu-thich.txt").write_text(annotations, encoding="utf-8")
    (tmp_path / "issue.md").write_text("nội dung", encoding="utf-8")
    step = next(s for s in _links_steps().values() if "gh issue" in s.get("run", ""))
    run = _run_step(step, tmp_path, {"PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(tmp_path / "log"),
                                     "OPEN_ISSUE": open_issue})
    assert run.returncode == 0, run.stderr
    calls = (tmp_path / "log").read_text(encoding="utf-8").splitlines()
    assert calls[0].startswith("issue list --state open")
    assert len(calls) == (1 if expected is None else 2), calls
    assert expected is None or calls[1].startswith(expected), calls


def test_gitlab_link_check_runs_only_on_schedules() -> None:
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    job = config["links"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert job["before_script"] == []  # no Chromium to install for it
    lines = _script_lines(job["script"])
    assert lines[:2] == ["make -s venv", "status=0; .venv/bin/python -m generator check-links > lien-ket.txt || status=$?"]
    assert lines[-1] == "exit $status"
    assert job["artifacts"] == {"when": "always", "expose_as": "Liên kết hỏng", "paths": ["lien-ket.txt"]}
