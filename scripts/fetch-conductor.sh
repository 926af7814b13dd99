#!/usr/bin/env bash
# Puts the pinned Conductor OSS server boot jar into the local Maven repository
# (a no-op when it is already there) and prints its path. Run it as its own CI
# step so the ~450 MB download is cached/visible outside any test timeout.
# Same logic as ensureConductorJar() in devserver/jar.ts:
#   - version: $BATON_CONDUCTOR_VERSION, else devserver/version.json
#   - local repository: $MAVEN_REPO_LOCAL, else ~/.m2/repository
# Going through mvn means the machine's settings.xml (mirrors, proxy) applies.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -n "${BATON_CONDUCTOR_JAR:-}" ]]; then
  [[ -s "$BATON_CONDUCTOR_JAR" ]] || { echo "BATON_CONDUCTOR_JAR=$BATON_CONDUCTOR_JAR is not a readable file" >&2; exit 1; }
  echo "$BATON_CONDUCTOR_JAR"
  exit 0
fi

version="${BATON_CONDUCTOR_VERSION:-}"
if [[ -z "$version" ]]; then
  # node is always present where this project runs; jq often is not.
  version="$(node -e 'process.stdout.write(require(process.argv[1]).conductorVersion)' "$root/devserver/version.json")"
fi
repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
jar="$repo/org/conductoross/conductor-server/$version/conductor-server-$version-boot.jar"

if [[ ! -s "$jar" ]]; then
  command -v mvn >/dev/null 2>&1 || { echo "mvn not found on PATH: install Maven or set BATON_CONDUCTOR_JAR" >&2; exit 1; }
  echo "Fetching org.conductoross:conductor-server:$version:jar:boot (about 450 MB) into $repo ..." >&2
  mvn -q -B dependency:get \
    "-Dartifact=org.conductoross:conductor-server:$version:jar:boot" \
    -Dtransitive=false \
    "-Dmaven.repo.local=$repo"
  [[ -s "$jar" ]] || { echo "mvn succeeded but $jar is missing" >&2; exit 1; }
fi

echo "$jar"
