{{/* Chart name and version for the helm.sh/chart label. */}}
{{- define "aicredit.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name of a service: <release>-<service>, or <service> when the release is named after it. */}}
{{- define "aicredit.fullname" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
{{- if contains $name $root.Release.Name -}}
{{- $root.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" $root.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels shared by every object of the release. */}}
{{- define "aicredit.commonLabels" -}}
helm.sh/chart: {{ include "aicredit.chart" . }}
app.kubernetes.io/part-of: aicredit
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one service: (list $ "credit-service") */}}
{{- define "aicredit.selectorLabels" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
app.kubernetes.io/name: {{ $name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
{{- end -}}

{{/* All labels of one service's objects: (list $ "credit-service") */}}
{{- define "aicredit.labels" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
{{ include "aicredit.commonLabels" $root }}
app.kubernetes.io/name: {{ $name }}
app.kubernetes.io/component: service
{{- end -}}

{{/* Image of one service: (list $ "credit-service" $svc). Pinned: the tag is never empty nor "latest". */}}
{{- define "aicredit.image" -}}
{{- $root := index . 0 -}}{{- $svc := index . 2 -}}
{{- $tag := default $root.Chart.AppVersion (default $root.Values.image.tag $svc.image.tag) -}}
{{- if eq $tag "latest" -}}{{- fail "image tags must be pinned: \"latest\" is not allowed" -}}{{- end -}}
{{- if $svc.image.digest -}}
{{- printf "%s/%s@%s" $root.Values.image.registry $svc.image.repository $svc.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $root.Values.image.registry $svc.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
Environment of one service's container (also used by the migration Job): (list $ "credit-service" $svc).
Plain settings inline, credentials only as secretKeyRef.
*/}}
{{- define "aicredit.env" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
- name: HTTP_PORT
  value: {{ $svc.port | quote }}
- name: DB_HOST
  value: {{ $root.Values.postgres.host | quote }}
- name: DB_PORT
  value: {{ $root.Values.postgres.port | quote }}
- name: DB_NAME
  value: {{ $svc.database.name | quote }}
- name: DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ $svc.database.credentialsSecret }}
      key: username
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $svc.database.credentialsSecret }}
      key: password
- name: QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE
  value: {{ $svc.database.pool.reactiveMaxSize | quote }}
- name: QUARKUS_DATASOURCE_JDBC_MAX_SIZE
  value: {{ $svc.database.pool.jdbcMaxSize | quote }}
- name: QUARKUS_SHUTDOWN_TIMEOUT
  value: {{ printf "%vs" $root.Values.podDefaults.shutdownTimeoutSeconds | quote }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $root.Values.kafka.bootstrapServers | quote }}
- name: REDIS_URL
  value: {{ $root.Values.redis.url | quote }}
- name: QUARKUS_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.redis.passwordSecret.name }}
      key: {{ $root.Values.redis.passwordSecret.key }}
- name: JWT_PUBLIC_KEY_LOCATION
  value: /etc/aicredit/jwt/public.pem
- name: JWT_ISSUER
  value: {{ $root.Values.jwt.issuer | quote }}
- name: LOG_JSON
  value: {{ $root.Values.logJson | quote }}
- name: JAVA_OPTS_APPEND
  value: {{ $root.Values.podDefaults.javaOpts | quote }}
{{- /* The guide's API limits (docs/operations.md, "API limits"): each service reads the figures of its own APIs */}}
{{- with $root.Values.apiLimits }}
- name: API_LIMITS_ENABLED
  value: {{ .enabled | quote }}
- name: API_LIMITS_ON_REDIS_FAILURE
  value: {{ .onRedisFailure | quote }}
- name: API_LIMIT_GLOBAL
  value: {{ .perMinute.global | quote }}
{{- if eq $name "ai-gateway-service" }}
- name: API_LIMIT_CREDIT_USAGE
  value: {{ .perMinute.creditUsage | quote }}
{{- end }}
{{- if eq $name "billing-service" }}
- name: API_LIMIT_PURCHASE
  value: {{ .perMinute.purchase | quote }}
{{- end }}
{{- if eq $name "credit-service" }}
- name: API_LIMIT_ANALYTICS
  value: {{ .perMinute.analytics | quote }}
{{- end }}
{{- end }}
{{- if eq $name "billing-service" }}
{{- /* PaymentActionRequired links an admin to <dashboard>/purchases/<id>/confirm (3-D Secure of an auto-purchase) */}}
- name: DASHBOARD_URL
  value: {{ include "aicredit.publicUrl" $root | quote }}
{{- end }}
{{- /* URLs of the services this one may call: those whose networkPolicy.clients list it */}}
{{- range $peer, $var := dict "credit-service" "CREDIT_SERVICE_URL" "ai-gateway-service" "GATEWAY_SERVICE_URL" "billing-service" "BILLING_SERVICE_URL" }}
{{- if has $name (index $root.Values.networkPolicy.clients $peer | default list) }}
- name: {{ $var }}
  value: {{ printf "http://%s:%v" (include "aicredit.fullname" (list $root $peer)) (index $root.Values.services $peer).port | quote }}
{{- end }}
{{- end }}
{{- if eq $name "ai-gateway-service" }}
- name: JWT_SIGNING_KEY_LOCATION
  value: /etc/aicredit/jwt/service-signing.pem
- name: SERVICE_JWT_ISSUER
  value: {{ $root.Values.jwt.serviceTokens.issuer | quote }}
{{- end }}
{{- if eq $name "credit-service" }}
- name: SERVICE_JWT_ISSUER
  value: {{ $root.Values.jwt.serviceTokens.issuer | quote }}
{{- $locations := list }}
{{- range $root.Values.jwt.serviceTokens.verificationKeySecret.keys }}
{{- $locations = append $locations (printf "/etc/aicredit/jwt/service-%s" .) }}
{{- end }}
- name: SERVICE_JWT_PUBLIC_KEY_LOCATIONS
  value: {{ join "," $locations | quote }}
{{- end }}
{{- range $key, $value := $svc.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range $key, $ref := $svc.secretEnv }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secret }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/*
Connection budget: every service's pools at its most pods (HPA maxReplicas, or replicas without the HPA, plus the
one extra pod of a rolling update) and the migration Jobs (Flyway on JDBC only) must fit in the database's
max_connections minus what is kept for superusers and operators. Fails the render otherwise.
*/}}
{{- define "aicredit.connectionBudget" -}}
{{- $total := 0 -}}
{{- range $name, $svc := .Values.services -}}
{{- $pods := ternary $svc.autoscaling.maxReplicas $svc.replicas $svc.autoscaling.enabled -}}
{{- $total = add $total (mul (add $pods 1) (add $svc.database.pool.reactiveMaxSize $svc.database.pool.jdbcMaxSize)) -}}
{{- if $.Values.migrations.job.enabled -}}
{{- $total = add $total $svc.database.pool.jdbcMaxSize -}}
{{- end -}}
{{- end -}}
{{- $budget := sub .Values.postgres.maxConnections .Values.postgres.reservedConnections -}}
{{- if gt $total $budget -}}
{{- fail (printf "database connections: the pools may open %d connections at the HPA maxima, more than postgres.maxConnections - reservedConnections = %d; lower services.*.database.pool or autoscaling.maxReplicas, or raise max_connections (k8s/postgres.yaml) and postgres.maxConnections" $total $budget) -}}
{{- end -}}
{{- end -}}

{{/* Volumes of one service's pod: (list $ "credit-service"). */}}
{{- define "aicredit.volumes" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: jwt
  projected:
    defaultMode: 0440
    sources:
      - secret:
          name: {{ $root.Values.jwt.publicKeySecret.name }}
          items:
            - key: {{ $root.Values.jwt.publicKeySecret.key }}
              path: public.pem
      {{- if eq $name "ai-gateway-service" }}
      - secret:
          name: {{ $root.Values.jwt.signingKeySecret.name }}
          items:
            - key: {{ $root.Values.jwt.signingKeySecret.key }}
              path: service-signing.pem
      {{- end }}
      {{- if eq $name "credit-service" }}
      - secret:
          name: {{ $root.Values.jwt.serviceTokens.verificationKeySecret.name }}
          items:
            {{- range $root.Values.jwt.serviceTokens.verificationKeySecret.keys }}
            - key: {{ . }}
              path: service-{{ . }}
            {{- end }}
      {{- end }}
{{- end -}}

{{- define "aicredit.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: jwt
  mountPath: /etc/aicredit/jwt
  readOnly: true
{{- end -}}

{{/* Pod and container security: non-root (UID 185 of the ubi OpenJDK images), read-only root. */}}
{{- define "aicredit.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 185
runAsGroup: 185
fsGroup: 185
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "aicredit.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 185
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Where hotels reach the dashboard: ingress.publicUrl, else https://<ingress.host> with TLS, http:// without */}}
{{- define "aicredit.publicUrl" -}}
{{- if .Values.ingress.publicUrl -}}
{{- .Values.ingress.publicUrl -}}
{{- else -}}
{{- printf "%s://%s" (ternary "https" "http" (ne (.Values.ingress.tlsSecret | default "") "")) .Values.ingress.host -}}
{{- end -}}
{{- end }}
