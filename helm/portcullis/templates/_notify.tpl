{{/*
Notifications: the environment variables of the channels (src/docs/notifications.md). A secret is
never a value here: each comes from its Secret through secretKeyRef into a NOTIFY_SECRET_*
variable, and Portcullis is given a reference to that variable (env:NOTIFY_SECRET_...), which it
reads at each send.
*/}}
{{- define "portcullis.notifyEnv" -}}
{{- $n := .Values.notifications }}
{{- with $n.publicUrl }}
- name: PORTCULLIS_PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
- name: PORTCULLIS_NOTIFY_DELIVERY_WORKERS
  value: {{ $n.workers | quote }}
{{- with $n.routing.operators }}
- name: PORTCULLIS_NOTIFY_ROUTING_OPERATORS
  value: {{ join "," . | quote }}
{{- end }}
{{- with $n.routing.security }}
- name: PORTCULLIS_NOTIFY_ROUTING_SECURITY
  value: {{ join "," . | quote }}
{{- end }}
{{- if or $n.routing.groups $n.routing.users }}
- name: QUARKUS_CONFIG_LOCATIONS
  value: {{ printf "%s/notify.properties" (include "portcullis.notifyConfigDir" .) | quote }}
{{- end }}
{{- /* email: Quarkus Mailer's own settings; the password straight from its Secret */}}
- name: PORTCULLIS_NOTIFY_EMAIL_ENABLED
  value: {{ $n.email.enabled | quote }}
{{- if $n.email.enabled }}
- name: PORTCULLIS_SMTP_HOST
  value: {{ $n.email.host | quote }}
- name: PORTCULLIS_SMTP_PORT
  value: {{ $n.email.port | quote }}
- name: PORTCULLIS_NOTIFY_EMAIL_FROM
  value: {{ $n.email.from | quote }}
- name: QUARKUS_MAILER_START_TLS
  value: {{ $n.email.startTls | quote }}
- name: QUARKUS_MAILER_TLS
  value: {{ $n.email.tls | quote }}
{{- with $n.email.username }}
- name: QUARKUS_MAILER_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- if $n.email.existingSecret }}
- name: QUARKUS_MAILER_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $n.email.existingSecret }}
      key: {{ $n.email.passwordKey }}
{{- end }}
{{- end }}
{{- /* Slack: a bot token or an incoming webhook URL */}}
- name: PORTCULLIS_NOTIFY_SLACK_ENABLED
  value: {{ $n.slack.enabled | quote }}
{{- if $n.slack.enabled }}
- name: PORTCULLIS_NOTIFY_SLACK_MODE
  value: {{ $n.slack.mode | quote }}
{{- if eq $n.slack.mode "webhook" }}
- name: NOTIFY_SECRET_SLACK_WEBHOOK_URL
  valueFrom:
    secretKeyRef:
      name: {{ $n.slack.existingSecret }}
      key: {{ $n.slack.webhookUrlKey }}
- name: PORTCULLIS_NOTIFY_SLACK_WEBHOOK_URL
  value: env:NOTIFY_SECRET_SLACK_WEBHOOK_URL
{{- else }}
- name: NOTIFY_SECRET_SLACK_BOT_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $n.slack.existingSecret }}
      key: {{ $n.slack.botTokenKey }}
- name: PORTCULLIS_NOTIFY_SLACK_BOT_TOKEN
  value: env:NOTIFY_SECRET_SLACK_BOT_TOKEN
{{- end }}
{{- end }}
{{- /* Teams: one Workflows URL per name, each a secret */}}
- name: PORTCULLIS_NOTIFY_TEAMS_ENABLED
  value: {{ $n.teams.enabled | quote }}
{{- if $n.teams.enabled }}
{{- range $name, $hook := $n.teams.webhooks }}
- name: NOTIFY_SECRET_TEAMS_{{ upper $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $hook.existingSecret }}
      key: {{ $hook.key }}
- name: PORTCULLIS_NOTIFY_TEAMS_WEBHOOKS_{{ upper $name }}
  value: env:NOTIFY_SECRET_TEAMS_{{ upper $name }}
{{- end }}
{{- end }}
{{- /* Webhooks: a URL and signing secrets (whsec_...) per endpoint */}}
- name: PORTCULLIS_NOTIFY_WEBHOOK_ENABLED
  value: {{ $n.webhooks.enabled | quote }}
{{- if $n.webhooks.enabled }}
{{- range $name, $endpoint := $n.webhooks.endpoints }}
{{- $refs := list }}
{{- range $i, $secret := $endpoint.secrets }}
{{- $var := printf "NOTIFY_SECRET_WEBHOOK_%s_%d" (upper $name) $i }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret.existingSecret }}
      key: {{ $secret.key }}
{{- $refs = append $refs (printf "env:%s" $var) }}
{{- end }}
- name: PORTCULLIS_NOTIFY_WEBHOOK_ENDPOINTS_{{ upper $name }}_URL
  value: {{ $endpoint.url | quote }}
- name: PORTCULLIS_NOTIFY_WEBHOOK_ENDPOINTS_{{ upper $name }}_SECRETS
  value: {{ join "," $refs | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Where the routing ConfigMap (group and user targets, no secrets) is mounted.
*/}}
{{- define "portcullis.notifyConfigDir" -}}
/etc/portcullis/notify
{{- end }}

{{/*
Name of the routing ConfigMap.
*/}}
{{- define "portcullis.notifyConfigMapName" -}}
{{- printf "%s-notify" (include "portcullis.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Checks the notification values, failing the render with a clear message.
*/}}
{{- define "portcullis.validateNotify" -}}
{{- $n := .Values.notifications }}
{{- $on := or $n.email.enabled $n.slack.enabled $n.teams.enabled $n.webhooks.enabled }}
{{- if and $on (not $n.publicUrl) }}
{{- fail "notifications.publicUrl is required when a notification channel is enabled: the address people use to reach Portcullis (e.g. https://access.example.com); every link in a message starts with it" }}
{{- end }}
{{- if and $n.publicUrl (not (regexMatch "^https?://[^/\\s]+" $n.publicUrl)) }}
{{- fail "notifications.publicUrl must be an absolute http(s) URL, e.g. https://access.example.com" }}
{{- end }}
{{- if $n.email.enabled }}
{{- if not $n.email.host }}
{{- fail "notifications.email.host is required when notifications.email.enabled: the SMTP server" }}
{{- end }}
{{- if not $n.email.from }}
{{- fail "notifications.email.from is required when notifications.email.enabled: the sender address, e.g. portcullis@example.com" }}
{{- end }}
{{- if not (has $n.email.startTls (list "REQUIRED" "OPTIONAL" "DISABLED")) }}
{{- fail "notifications.email.startTls must be one of: REQUIRED, OPTIONAL, DISABLED" }}
{{- end }}
{{- end }}
{{- if $n.slack.enabled }}
{{- if not (has $n.slack.mode (list "api" "webhook")) }}
{{- fail "notifications.slack.mode must be api (a bot token) or webhook (an incoming webhook URL)" }}
{{- end }}
{{- if not $n.slack.existingSecret }}
{{- fail "notifications.slack.existingSecret is required when notifications.slack.enabled: a Secret holding the bot token (key notifications.slack.botTokenKey) or, for mode webhook, the incoming webhook URL (key notifications.slack.webhookUrlKey)" }}
{{- end }}
{{- end }}
{{- if $n.teams.enabled }}
{{- if not $n.teams.webhooks }}
{{- fail "notifications.teams.webhooks is empty: name at least one Workflows webhook, e.g. {platform: {existingSecret: portcullis-teams, key: platform}}" }}
{{- end }}
{{- range $name, $hook := $n.teams.webhooks }}
{{- if not (regexMatch "^[a-z][a-z0-9]*$" $name) }}
{{- fail (printf "notifications.teams.webhooks.%s: a name is lower-case letters and digits (it becomes part of an environment variable name)" $name) }}
{{- end }}
{{- if or (not $hook.existingSecret) (not $hook.key) }}
{{- fail (printf "notifications.teams.webhooks.%s needs existingSecret and key: the Secret holding the Workflows URL (it carries its own signature, so it is a secret)" $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- if $n.webhooks.enabled }}
{{- if not $n.webhooks.endpoints }}
{{- fail "notifications.webhooks.endpoints is empty: name at least one endpoint with its url and secrets" }}
{{- end }}
{{- range $name, $endpoint := $n.webhooks.endpoints }}
{{- if not (regexMatch "^[a-z][a-z0-9]*$" $name) }}
{{- fail (printf "notifications.webhooks.endpoints.%s: a name is lower-case letters and digits (it becomes part of an environment variable name)" $name) }}
{{- end }}
{{- if not (regexMatch "^https?://" ($endpoint.url | default "")) }}
{{- fail (printf "notifications.webhooks.endpoints.%s.url must be an absolute http(s) URL" $name) }}
{{- end }}
{{- if not $endpoint.secrets }}
{{- fail (printf "notifications.webhooks.endpoints.%s.secrets is empty: at least one {existingSecret, key} holding a whsec_ signing secret" $name) }}
{{- end }}
{{- range $endpoint.secrets }}
{{- if or (not .existingSecret) (not .key) }}
{{- fail (printf "notifications.webhooks.endpoints.%s.secrets: each needs existingSecret and key" $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $kind, $map := dict "groups" $n.routing.groups "users" $n.routing.users }}
{{- range $key, $targets := $map }}
{{- if regexMatch "[\"\\\\\\s]" $key }}
{{- fail (printf "notifications.routing.%s: %q cannot be a key (no quotes, backslashes or spaces)" $kind $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
