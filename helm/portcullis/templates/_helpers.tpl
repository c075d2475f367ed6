{{/*
Chart name, truncated to 63 characters (the limit of a DNS label).
*/}}
{{- define "portcullis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name of the release's resources, truncated to 63 characters. When the release
name already contains the chart name it is used as is.
*/}}
{{- define "portcullis.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "portcullis.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every resource of the release, for the resources that the Deployment's selector must
not match (such as the test pod).
*/}}
{{- define "portcullis.commonLabels" -}}
helm.sh/chart: {{ include "portcullis.chart" . }}
app.kubernetes.io/version: {{ include "portcullis.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: portcullis
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Standard labels: the selector labels plus the common labels.
*/}}
{{- define "portcullis.labels" -}}
{{ include "portcullis.selectorLabels" . }}
{{ include "portcullis.commonLabels" . }}
{{- end }}

{{/*
Selector labels: stable across upgrades (a Deployment's selector cannot change).
*/}}
{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount the pods run as.
*/}}
{{- define "portcullis.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "portcullis.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image tag: image.tag, or the chart's appVersion.
*/}}
{{- define "portcullis.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/*
Full image reference; a digest, when given, pins the image.
*/}}
{{- define "portcullis.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "portcullis.imageTag" .) }}
{{- end }}
{{- end }}

{{/*
Name of the ConfigMap holding the policy files.
*/}}
{{- define "portcullis.policiesConfigMapName" -}}
{{- if .Values.policies.existingConfigMap }}
{{- .Values.policies.existingConfigMap }}
{{- else }}
{{- printf "%s-policies" (include "portcullis.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Environment variables that the chart sets itself. extraEnv may not set them, nor the ones that
would switch Portcullis to demo or unsafe settings.
*/}}
{{- define "portcullis.reservedEnv" -}}
{{- list
  "QUARKUS_PROFILE"
  "PORTCULLIS_DB_URL" "PORTCULLIS_DB_USER" "PORTCULLIS_DB_PASSWORD"
  "PORTCULLIS_OIDC_ISSUER" "PORTCULLIS_OIDC_CLIENT_ID" "PORTCULLIS_OIDC_AUDIENCE"
  "PORTCULLIS_OIDC_CLIENT_SECRET" "PORTCULLIS_IDENTITY_GROUPS_CLAIM"
  "PORTCULLIS_REQUESTS_SECURITY_CONTACTS" "QUARKUS_OIDC_TOKEN_AUDIENCE"
  "PORTCULLIS_POLICY_DIR" "JAVA_OPTS_APPEND"
  "PORTCULLIS_DEMO_ENABLED" "PORTCULLIS_EMBEDDED_DB_ENABLED"
  "QUARKUS_TLS_TRUST_ALL" "QUARKUS_OIDC_TLS_VERIFICATION" "QUARKUS_OIDC_WEB_TLS_VERIFICATION"
  "PORTCULLIS_VAULT_TLS_VERIFY"
  "QUARKUS_QUARTZ_STORE_TYPE" "QUARKUS_QUARTZ_CLUSTERED"
  "QUARKUS_DATASOURCE_PASSWORD" "QUARKUS_OIDC_CREDENTIALS_SECRET" "QUARKUS_OIDC_WEB_CREDENTIALS_SECRET"
  "PORTCULLIS_GRANTS_CREDENTIAL_KEY" "PORTCULLIS_GRANTS_CREDENTIAL_KEY_FILE"
  "PORTCULLIS_GRANTS_CREDENTIAL_GENERATE_KEY" "PORTCULLIS_GRANTS_FAULT_POINT"
  "PORTCULLIS_PROVIDERS_SSH_GENERATE_CA"
  "PORTCULLIS_AUDIT_HMAC_KEY" "PORTCULLIS_AUDIT_HMAC_KEY_FILE" "PORTCULLIS_AUDIT_GENERATE_HMAC_KEY"
  "PORTCULLIS_AUDIT_SIGNING_KEY" "PORTCULLIS_AUDIT_SIGNING_KEY_FILE" "PORTCULLIS_AUDIT_GENERATE_SIGNING_KEY"
  "PORTCULLIS_AUDIT_PREVIOUS_PUBLIC_KEYS"
  "PORTCULLIS_PUBLIC_URL" "PORTCULLIS_NOTIFY_DELIVERY_WORKERS" "QUARKUS_CONFIG_LOCATIONS"
  "PORTCULLIS_NOTIFY_ROUTING_OPERATORS" "PORTCULLIS_NOTIFY_ROUTING_SECURITY"
  "PORTCULLIS_NOTIFY_EMAIL_ENABLED" "PORTCULLIS_SMTP_HOST" "PORTCULLIS_SMTP_PORT"
  "PORTCULLIS_NOTIFY_EMAIL_FROM" "QUARKUS_MAILER_START_TLS" "QUARKUS_MAILER_TLS"
  "QUARKUS_MAILER_USERNAME" "QUARKUS_MAILER_PASSWORD" "QUARKUS_MAILER_MOCK"
  "PORTCULLIS_NOTIFY_SLACK_ENABLED" "PORTCULLIS_NOTIFY_SLACK_MODE"
  "PORTCULLIS_NOTIFY_SLACK_BOT_TOKEN" "PORTCULLIS_NOTIFY_SLACK_WEBHOOK_URL"
  "PORTCULLIS_NOTIFY_TEAMS_ENABLED" "PORTCULLIS_NOTIFY_WEBHOOK_ENABLED"
  | toJson }}
{{- end }}

{{/*
Checks the values that the schema cannot express, and fails the render with a clear message.
*/}}
{{- define "portcullis.validate" -}}
{{- if not .Values.database.url }}
{{- fail "database.url is required: the JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://db:5432/portcullis" }}
{{- end }}
{{- if not (hasPrefix "jdbc:postgresql://" .Values.database.url) }}
{{- fail "database.url must start with jdbc:postgresql:// (Portcullis runs on PostgreSQL only)" }}
{{- end }}
{{- if not .Values.database.existingSecret }}
{{- fail "database.existingSecret is required: the name of a Secret holding the database password (kubectl create secret generic portcullis-db --from-literal=password=...)" }}
{{- end }}
{{- if not .Values.grants.credentialKey.existingSecret }}
{{- fail "grants.credentialKey.existingSecret is required: the name of a Secret holding the key that seals credentials until their requester takes them, the same for every replica (kubectl create secret generic portcullis-credential-key --from-literal=key=$(head -c 32 /dev/urandom | base64))" }}
{{- end }}
{{- if not .Values.audit.hmacKey.existingSecret }}
{{- fail "audit.hmacKey.existingSecret is required: the name of a Secret holding the key of the HMACs that keep client addresses out of the audit ledger, the same for every replica and kept as long as the ledger (kubectl create secret generic portcullis-audit-hmac --from-literal=key=$(head -c 32 /dev/urandom | base64))" }}
{{- end }}
{{- if not .Values.audit.signingKey.existingSecret }}
{{- fail "audit.signingKey.existingSecret is required: the name of a Secret holding the Ed25519 private key (PKCS#8 PEM) that signs the audit ledger's checkpoints, the same for every replica (openssl genpkey -algorithm ed25519 -out audit-signing.pem; kubectl create secret generic portcullis-audit-signing --from-file=key=audit-signing.pem)" }}
{{- end }}
{{- with .Values.audit.previousPublicKeys }}
{{- if and .existingConfigMap (not .keys) }}
{{- fail "audit.previousPublicKeys.keys is empty: list the keys of audit.previousPublicKeys.existingConfigMap that hold the public keys (PEM) of earlier signing keys, e.g. [audit-signing-2024.pub]" }}
{{- end }}
{{- if and .keys (not .existingConfigMap) }}
{{- fail "audit.previousPublicKeys.existingConfigMap is required when audit.previousPublicKeys.keys is set: the name of a ConfigMap holding the public keys of earlier signing keys (kubectl create configmap portcullis-audit-previous-keys --from-file=audit-signing-2024.pub)" }}
{{- end }}
{{- end }}
{{- if and .Values.audit.archive.s3.bucket (not .Values.aws.region) }}
{{- fail "aws.region is required when audit.archive.s3.bucket is set: the region of the archive bucket, e.g. eu-west-1" }}
{{- end }}
{{- if not .Values.oidc.issuer }}
{{- fail "oidc.issuer is required: the issuer URL of the OpenID Connect provider" }}
{{- end }}
{{- if not .Values.oidc.audience }}
{{- fail "oidc.audience is required: the audience of access tokens for the API (e.g. portcullis-api), distinct from oidc.clientId" }}
{{- end }}
{{- if eq .Values.oidc.audience .Values.oidc.clientId }}
{{- fail "oidc.audience must differ from oidc.clientId: ID tokens carry the client id as their audience and would be accepted as API bearer tokens; give access tokens their own audience (e.g. portcullis-api)" }}
{{- end }}
{{- if not .Values.requests.securityContacts }}
{{- fail "requests.securityContacts is required: who hears about every break-glass activation besides the approvers, e.g. [security@yourcompany.com]" }}
{{- end }}
{{- $reserved := include "portcullis.reservedEnv" . | fromJsonArray }}
{{- range .Values.extraEnv }}
{{- if has .name $reserved }}
{{- fail (printf "extraEnv may not set %s: either the chart sets it from its own values, or it controls a setting that the prod profile refuses" .name) }}
{{- end }}
{{- end }}
{{- if not (has .Values.podAntiAffinityPreset (list "soft" "hard" "none" "")) }}
{{- fail "podAntiAffinityPreset must be one of: soft, hard, none" }}
{{- end }}
{{- range .Values.extraEnv }}
{{- if or (hasPrefix "NOTIFY_SECRET_" .name) (hasPrefix "PORTCULLIS_NOTIFY_TEAMS_WEBHOOKS_" .name) (hasPrefix "PORTCULLIS_NOTIFY_WEBHOOK_ENDPOINTS_" .name) }}
{{- fail (printf "extraEnv may not set %s: set notifications.teams.webhooks or notifications.webhooks.endpoints instead (secrets by existingSecret and key)" .name) }}
{{- end }}
{{- end }}
{{- include "portcullis.validateNotify" . }}
{{- end }}

{{/*
Default affinity: pod anti-affinity over node host names, soft or hard.
*/}}
{{- define "portcullis.affinity" -}}
{{- if .Values.affinity }}
{{- toYaml .Values.affinity }}
{{- else if eq .Values.podAntiAffinityPreset "soft" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "portcullis.selectorLabels" . | nindent 12 }}
{{- else if eq .Values.podAntiAffinityPreset "hard" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "portcullis.selectorLabels" . | nindent 10 }}
{{- end }}
{{- end }}
