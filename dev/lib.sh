# Shared by the dev/ scripts. Source it; do not run it.
# Everything the scripts create lives under .dev/ (git-ignored): Kafka data, keys, logs, pids.
set -euo pipefail
# Descriptors a caller handed down (a lock of `flock /tmp/build.lock ./dev/up`, say) must not live on in
# the background services these scripts start, or the lock would be held until they stop.
for fd in 3 4 5 6 7 8 9; do eval "exec $fd>&-"; done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.dev"
mkdir -p "$STATE/logs" "$STATE/pids" "$STATE/lib"

SERVICES=(credit-service ai-gateway-service billing-service alert-service)
declare -A PORT=([credit-service]=8081 [ai-gateway-service]=8082 [billing-service]=8083 [alert-service]=8084)
# Each service owns one database (design.md §2); tests use <db>_test so a running suite is never touched.
declare -A DB=([credit-service]=credit [ai-gateway-service]=gateway [billing-service]=billing [alert-service]=alert)

# The dashboard is the suite's single origin locally: it serves the UI and proxies the API paths to the
# services exactly as the chart's Ingress routes them (helm/aicredit/values.yaml ingress.routes, read from there).
DASHBOARD_PORT=8080
# The local payment backend (Stripe's test mode, offline): the project's stripe-stub, unless STRIPE_API_KEY is set
STRIPE_STUB_PORT=12111
STRIPE_STUB_CONTROL_PORT=12112
# The test-mode LLM (OpenAI's protocol, canned answers) for custom, the function the built-in engine does not serve:
# the project's llm-stub, unless OPENAI_API_KEY is set
LLM_STUB_PORT=12113

GREENMAIL_VERSION=2.1.5
SMTP_PORT=3025
GREENMAIL_API_PORT=8025

log() { printf '\033[1;34m[dev]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[dev] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds what
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  die "$3 did not open port $1 within $2 s"
}

# Installs what is missing from Debian packages: a JDK 17, Maven, PostgreSQL, Redis, openssl, curl.
ensure_packages() {
  local missing=()
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  # promtool checks and unit-tests the chart's Prometheus rules (deploy-tests)
  command -v promtool >/dev/null || missing+=(prometheus)
  # amtool checks Alertmanager's routing in k8s/monitoring (deploy-tests)
  command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
  # the dashboard's build (vite) and browser tests, and the gateway's test with the official openai client
  command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not start"
  fi
}

psql_admin() { as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }

# One role and database per service, plus <db>_test for the test suite. Dev-only passwords: the role
# name; production takes credentials from Kubernetes Secrets.
ensure_databases() {
  local svc db name
  for svc in "${SERVICES[@]}"; do
    db=${DB[$svc]}
    if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$db'")" != 1 ]; then
      psql_admin -c "create role $db login password '$db'"
    fi
    for name in "$db" "${db}_test"; do
      if [ "$(psql_admin -c "select 1 from pg_database where datname='$name'")" != 1 ]; then
        psql_admin -c "create database $name owner $db"
      fi
    done
  done
}

ensure_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir "$STATE" --logfile "$STATE/logs/redis.log"
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || die "Redis did not start"
  fi
}

# A GreenMail is reused only when it answers its readiness API and its jar still exists: one left behind by
# a deleted checkout (a CI clone, say) keeps the ports but fails mid-session, so it is replaced.
greenmail_healthy() {
  port_open "$SMTP_PORT" || return 1
  curl -fsS -m 2 "http://127.0.0.1:$GREENMAIL_API_PORT/api/service/readiness" >/dev/null 2>&1 || return 1
  local pid
  for pid in $(port_pids "$SMTP_PORT"); do
    case "$(readlink "/proc/$pid/cwd" 2>/dev/null)" in *" (deleted)") return 1 ;; esac
  done
}

# The pids listening on a port (empty when fuser is missing: then nothing is checked or replaced).
port_pids() { command -v fuser >/dev/null && fuser "$@/tcp" 2>/dev/null || true; }

ensure_greenmail() {
  greenmail_healthy && return 0
  if port_open "$SMTP_PORT" || port_open "$GREENMAIL_API_PORT"; then
    local pid
    for pid in $(port_pids "$SMTP_PORT") $(port_pids "$GREENMAIL_API_PORT"); do
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q greenmail-standalone \
        || die "port $SMTP_PORT or $GREENMAIL_API_PORT is held by a process that is not GreenMail (pid $pid)"
      log "replacing an unhealthy GreenMail (pid $pid)"
      kill "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 50); do port_open "$SMTP_PORT" || port_open "$GREENMAIL_API_PORT" || break; sleep 0.1; done
  fi
  local jar="$STATE/lib/greenmail-standalone-$GREENMAIL_VERSION.jar"
  if [ ! -f "$jar" ]; then
    log "fetching GreenMail $GREENMAIL_VERSION from Maven Central"
    # Run outside the project so Maven does not read our reactor.
    (cd "$STATE" && mvn -B -q dependency:copy -Dartifact="com.icegreen:greenmail-standalone:$GREENMAIL_VERSION" \
      -DoutputDirectory="$STATE/lib") >"$STATE/logs/greenmail-fetch.log" 2>&1 \
      || { cat "$STATE/logs/greenmail-fetch.log"; die "could not fetch GreenMail"; }
  fi
  log "starting GreenMail (SMTP 127.0.0.1:$SMTP_PORT, API 127.0.0.1:$GREENMAIL_API_PORT)"
  nohup java -Xmx128m -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$SMTP_PORT" \
    -Dgreenmail.hostname=127.0.0.1 -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$GREENMAIL_API_PORT" \
    -Dgreenmail.auth.disabled -jar "$jar" >"$STATE/logs/greenmail.log" 2>&1 &
  echo $! >"$STATE/pids/greenmail.pid"
  for _ in $(seq 1 300); do greenmail_healthy && return 0; sleep 0.1; done
  die "GreenMail did not become ready within 30 s (see $STATE/logs/greenmail.log)"
}

# Test-only RS256 key pairs for local runs, generated on first use and never committed: the identity
# provider's (private.pem, public.pem) and the gateway's own for its service tokens (gateway-*.pem).
ensure_jwt_keys() {
  mkdir -p "$STATE/jwt"
  local pair
  for pair in "" gateway-; do
    if [ ! -f "$STATE/jwt/${pair}private.pem" ]; then
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$STATE/jwt/${pair}private.pem" 2>/dev/null
      openssl pkey -in "$STATE/jwt/${pair}private.pem" -pubout -out "$STATE/jwt/${pair}public.pem"
      chmod 600 "$STATE/jwt/${pair}private.pem"
    fi
  done
}

# Debian's Chromium for the dashboard's browser tests (playwright-core drives it; it never downloads a browser),
# with Japanese fonts so the screenshots show text rather than boxes.
ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (browser tests)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# DASHBOARD_PROXY_ROUTES for the dashboard: prefix=url of each routed service, plus the stub's test-mode actions.
dashboard_proxy_routes() {
  local path svc out=""
  while read -r path svc; do
    out+="$path=http://127.0.0.1:${PORT[$svc]},"
  done < <(sed -nE 's/^ *- \{path: ([^,]+), service: ([a-z-]+)\}.*/\1 \2/p' "$ROOT/helm/aicredit/values.yaml")
  [ -n "$out" ] || die "no ingress.routes found in helm/aicredit/values.yaml"
  echo "${out%,}"
}

# Test-only Stripe webhook secret of the local stub, made once per machine (never a real Stripe secret).
ensure_stub_secret() {
  mkdir -p "$STATE/stripe"
  [ -f "$STATE/stripe/webhook-secret" ] || echo "whsec_test_$(openssl rand -hex 24)" >"$STATE/stripe/webhook-secret"
  cat "$STATE/stripe/webhook-secret"
}

# The infrastructure both ./dev/up and ./dev/test need (each starts the Kafka broker it uses).
ensure_infra() {
  ensure_packages
  ensure_postgres
  ensure_databases
  ensure_redis
  ensure_greenmail
  ensure_jwt_keys
}
