#!/usr/bin/env bash
# Opt-in, never run by CI: Claude Code through the gateway's /v1/messages, on a Claude model and on gpt-5.
# Installs @anthropic-ai/claude-code at a pinned version under .agents/claude-code (git-ignored, outside
# package.json; the package carries its native binary), then runs scripts/agents/claude-code.ts against a simulator,
# a gateway and a temp dir, all local. Exit status 0 only when both runs pass their checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/agents/install.sh
install_agent .agents/claude-code @anthropic-ai/claude-code 2.1.332
exec timeout --kill-after=10 600 node --import tsx scripts/agents/claude-code.ts
