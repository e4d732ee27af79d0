#!/usr/bin/env python3
"""Structural check of the lock dashboard: file-provisioning format, fixed uid, a datasource
variable, the guide's eight panels, and a query on every panel that uses the variable."""
import json
import sys

GUIDE_PANELS = ["Memory Lock Timeouts", "Memory Lock Contention", "Collection Lock Timeouts",
                "Cache-DB Consistency Errors", "Lock Contention Distribution", "Top Users by Lock Timeouts",
                "Lock Operations Summary", "Avg Lock Wait Time"]

path = sys.argv[1]
board = json.load(open(path))
problems = []
if "dashboard" in board:
    problems.append("HTTP-API wrapper {\"dashboard\": ...}: file provisioning wants the dashboard itself")
if board.get("uid") != "zantara-lock-contention":
    problems.append("uid must stay zantara-lock-contention")
variables = {v.get("name"): v for v in board.get("templating", {}).get("list", [])}
if variables.get("datasource", {}).get("type") != "datasource":
    problems.append("no datasource template variable")
titles = [p.get("title") for p in board.get("panels", [])]
for title in GUIDE_PANELS:
    if title not in titles:
        problems.append("missing panel: " + title)
for panel in board.get("panels", []):
    targets = panel.get("targets", [])
    if not targets or not all(t.get("expr", "").strip() for t in targets):
        problems.append("panel without a query: " + str(panel.get("title")))
    if panel.get("datasource", {}).get("uid") != "${datasource}":
        problems.append("panel not on the datasource variable: " + str(panel.get("title")))
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{path}: {len(titles)} panels, ok")
