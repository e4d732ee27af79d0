#!/usr/bin/env bash
# Writes k8s/base/generated/ from the single sources of truth, config/prometheus/alerts.yml and the
# Grafana dashboard, so that kustomize (which reads nothing outside k8s/) can package them.
# With --check it changes nothing and fails when the generated files are out of date (CI runs that).
set -euo pipefail
cd "$(dirname "$0")/.."
out=k8s/base/generated
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
  echo "# GENERATED from config/prometheus/alerts.yml by k8s/sync-generated.sh: edit that file, then run the script."
  echo "apiVersion: monitoring.coreos.com/v1"
  echo "kind: PrometheusRule"
  echo "metadata:"
  echo "  name: zantara-backend"
  echo "spec:"
  # alerts.yml's top-level 'groups:' becomes spec.groups; comments and blank lines stay as they are.
  sed -e '/^[[:space:]]*$/!s/^/  /' config/prometheus/alerts.yml
} > "$work/prometheusrule.yaml"
cp config/grafana/dashboards/lock-contention-dashboard.json "$work/lock-contention-dashboard.json"
# The dev overlay trusts the dev signing key, like ./mvnw quarkus:dev does.
dev_key=k8s/overlays/dev/generated/public-key.pem

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -ru "$out" "$work" || ! cmp config/dev/jwt/public-key.pem "$dev_key"; then
    echo "generated files under k8s/ are out of date: run k8s/sync-generated.sh" >&2
    exit 1
  fi
  echo "k8s generated files match their sources"
else
  mkdir -p "$out" "$(dirname "$dev_key")"
  cp "$work"/* "$out"/
  cp config/dev/jwt/public-key.pem "$dev_key"
  echo "wrote $out and $dev_key"
fi
