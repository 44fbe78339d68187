#!/usr/bin/env bash
# Every gate: types, lint, all tests under TZ=UTC, then the time-sensitive suites again under
# Asia/Shanghai and America/New_York, and the clock rules under America/Los_Angeles (day boundaries are
# Asia/Shanghai whatever TZ says).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; pnpm typecheck
echo "== lint"; pnpm -s lint
echo "== dependencies"; pnpm -s deps:check
echo "== tests (TZ=UTC)"; TZ=UTC pnpm exec vitest run
for tz in Asia/Shanghai America/New_York; do
  echo "== time-sensitive tests (TZ=$tz)"
  TZ=$tz pnpm exec vitest run shared ingest-server/src
done
# The clock rules again where the local day differs from Shanghai's for most of the day.
echo "== clock rules (TZ=America/Los_Angeles)"
TZ=America/Los_Angeles pnpm exec vitest run shared/src/working-calendar.test.ts ingest-server/src/supervision ingest-server/test/clock-rules.test.ts ingest-server/test/clock-rules-prediction.test.ts
