#!/usr/bin/env bash
# Opt-in, never run by CI: OpenAI's Codex CLI through the gateway's /v1/responses, on gpt-5 and claude-sonnet-4.5.
# Installs @openai/codex at a pinned version under .agents/codex (git-ignored, outside package.json; the package
# carries its native binary), then runs scripts/agents/codex.ts against a simulator, a gateway and a temp dir, all
# local. Exit status 0 only when both runs pass their checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/agents/install.sh
install_agent .agents/codex @openai/codex 0.171.0
exec timeout --kill-after=10 600 node --import tsx scripts/agents/codex.ts
