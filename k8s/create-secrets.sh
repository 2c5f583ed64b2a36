#!/usr/bin/env bash
# Creates the Secrets the platform and the chart read, in namespace aicredit (or $NAMESPACE). Generates random
# passwords for the databases and Redis; takes the rest from files and environment variables, so no secret
# is ever written to the repository. Existing Secrets are left alone (rotate them as docs/operations.md says).
#
#   JWT_PUBLIC_KEY=issuer-public.pem            RS256 public key of the hotel CRM's identity provider
#   GATEWAY_SIGNING_KEY=service-signing.pem     PKCS#8 private key the gateway signs service tokens with
#   STRIPE_API_KEY=sk_live_… STRIPE_WEBHOOK_SECRET=whsec_…
#   OPENAI_API_KEY=…  (optional)  SMTP_USER=… SMTP_PASSWORD=… (optional)  SLACK_WEBHOOK_URL=… (optional)
#   BACKUP_S3_ACCESS_KEY_ID=… BACKUP_S3_SECRET_ACCESS_KEY=…
set -euo pipefail
NS=${NAMESPACE:-aicredit}

exists() { kubectl -n "$NS" get secret "$1" >/dev/null 2>&1; }
password() { openssl rand -base64 32 | tr -d '/+=' | cut -c1-32; }
create() { # name, then kubectl create secret arguments
  local name=$1; shift
  if exists "$name"; then echo "secret $name exists, kept"; return; fi
  kubectl -n "$NS" create secret "$@" && echo "secret $name created"
}

for db in credit gateway billing alert; do
  if ! exists "aicredit-db-$db"; then
    kubectl -n "$NS" create secret generic "aicredit-db-$db" --type=kubernetes.io/basic-auth \
      --from-literal=username="$db" --from-literal=password="$(password)"
    kubectl -n "$NS" label secret "aicredit-db-$db" cnpg.io/reload=true
    echo "secret aicredit-db-$db created"
  else
    echo "secret aicredit-db-$db exists, kept"
  fi
done
create aicredit-redis generic aicredit-redis --from-literal=password="$(password)"
create aicredit-jwt-issuer generic aicredit-jwt-issuer --from-file=public.pem="${JWT_PUBLIC_KEY:?path of the issuer public key}"
create aicredit-gateway-signing generic aicredit-gateway-signing \
  --from-file=service-signing.pem="${GATEWAY_SIGNING_KEY:?path of the gateway's own signing key}"
create aicredit-gateway-verification generic aicredit-gateway-verification \
  --from-file=public.pem="${GATEWAY_PUBLIC_KEY:?path of the gateway signing key's public half}"
create aicredit-stripe generic aicredit-stripe --from-literal=api-key="${STRIPE_API_KEY:?}" \
  --from-literal=webhook-secret="${STRIPE_WEBHOOK_SECRET:?}"
[ -n "${OPENAI_API_KEY:-}" ] && create aicredit-openai generic aicredit-openai --from-literal=api-key="$OPENAI_API_KEY"
[ -n "${SMTP_USER:-}" ] && create aicredit-smtp generic aicredit-smtp --from-literal=username="$SMTP_USER" \
  --from-literal=password="${SMTP_PASSWORD:?}"
[ -n "${SLACK_WEBHOOK_URL:-}" ] && create aicredit-slack generic aicredit-slack --from-literal=webhook-url="$SLACK_WEBHOOK_URL"
create aicredit-backup-s3 generic aicredit-backup-s3 --from-literal=ACCESS_KEY_ID="${BACKUP_S3_ACCESS_KEY_ID:?}" \
  --from-literal=SECRET_ACCESS_KEY="${BACKUP_S3_SECRET_ACCESS_KEY:?}"
