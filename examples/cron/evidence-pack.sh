#!/usr/bin/env bash
# Non-interactive evidence-pack run for cron or any scheduler (see README.md next to this file).
#
# Environment (all optional except where the defaults do not fit):
#   EVIDENCE_DIR       directory holding evidence.config.ts and node_modules (default: this script's dir)
#   EVIDENCE_OUT       where packs are written (default: $EVIDENCE_DIR/output)
#   EVIDENCE_PROFILE   AWS profile for the caller account (default: the standard credential chain)
#   EVIDENCE_FAIL_ON   fail | gap | none (default: none; the pack is the deliverable)
#   EVIDENCE_BUCKET    s3://bucket/prefix to copy the pack and its .sha256 to (SSE-KMS)
#   EVIDENCE_KMS_KEY   KMS key for that copy (default: the bucket's aws/s3 key)
#
# Exit codes are the CLI's: 0 pack written, nothing at the --fail-on level; 1 pack written with
# findings at that level; 2 usage/config error, nothing written; 3 pack not produced. A failed copy
# to the evidence bucket exits 4 (the pack is on disk).
set -euo pipefail

export CI=true # no spinners, no prompts
export AWS_PAGER=''

dir="${EVIDENCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
out="${EVIDENCE_OUT:-$dir/output}"
fail_on="${EVIDENCE_FAIL_ON:-none}"
cd "$dir"
mkdir -p "$out"

# The newest pack before this run, to report what changed since.
previous="$(ls -1t "$out"/evidence-pack_*.zip 2>/dev/null | head -n 1 || true)"

args=(run --json --fail-on "$fail_on" --out "$out")
if [ -n "${EVIDENCE_PROFILE:-}" ]; then args+=(--profile "$EVIDENCE_PROFILE"); fi

summary="$out/summary-$(date -u +%Y%m%dT%H%M%SZ).json"
set +e
npx --no-install evidence-pack "${args[@]}" > "$summary"
code=$?
set -e

if [ "$code" -ge 2 ]; then
  echo "evidence-pack: no pack (exit $code); see the messages above" >&2
  rm -f "$summary"
  exit "$code"
fi

pack="$(jq -r .pack "$summary")"
sidecar="$(jq -r .sidecar "$summary")"
echo "pack:    $pack"
echo "sha256:  $(jq -r .sha256 "$summary")"
jq -r '.summary.byStatus | to_entries | map("\(.key) \(.value)") | "results: " + join(", ")' "$summary"

# Check the pack just written, and say what changed since the previous one.
if ! npx --no-install evidence-pack verify "$pack" > /dev/null; then
  echo "evidence-pack: $pack does not verify" >&2
  exit 3
fi
if [ -n "$previous" ] && [ "$previous" != "$pack" ]; then
  npx --no-install evidence-pack diff "$previous" "$pack" > "${pack%.zip}.diff.txt"
  echo "changes since $(basename "$previous"): ${pack%.zip}.diff.txt"
fi

if [ -n "${EVIDENCE_BUCKET:-}" ]; then
  sse=(--sse aws:kms)
  if [ -n "${EVIDENCE_KMS_KEY:-}" ]; then sse+=(--sse-kms-key-id "$EVIDENCE_KMS_KEY"); fi
  if [ -n "${EVIDENCE_PROFILE:-}" ]; then sse+=(--profile "$EVIDENCE_PROFILE"); fi
  for f in "$pack" "$sidecar"; do
    aws s3 cp "$f" "${EVIDENCE_BUCKET%/}/$(basename "$f")" "${sse[@]}" || exit 4
  done
fi

exit "$code"
