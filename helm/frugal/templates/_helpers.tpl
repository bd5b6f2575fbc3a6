{{/* Chart name, overridable. */}}
{{- define "frugal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: the release name, with the chart name unless already in it. */}}
{{- define "frugal.fullname" -}}
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

{{- define "frugal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels on every resource. */}}
{{- define "frugal.labels" -}}
helm.sh/chart: {{ include "frugal.chart" . }}
{{ include "frugal.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: frugal
{{- end }}

{{/* Labels that select this release's pods (immutable once deployed). */}}
{{- define "frugal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "frugal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "frugal.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* "true" when more than one pod may run: replicas share state only through PostgreSQL and Redis. */}}
{{- define "frugal.clusterMode" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled }}true{{ end }}
{{- end }}

{{/* "true" when the embedded H2 database is in use (no PostgreSQL configured). */}}
{{- define "frugal.embeddedDatabase" -}}
{{- if not .Values.database.url }}true{{ end }}
{{- end }}

{{/* The data volume is a PVC only for the embedded database with persistence on. */}}
{{- define "frugal.dataClaim" -}}
{{- if and (include "frugal.embeddedDatabase" .) .Values.persistence.enabled }}
{{- .Values.persistence.existingClaim | default (printf "%s-data" (include "frugal.fullname" .)) }}
{{- end }}
{{- end }}

{{- define "frugal.terminationGracePeriodSeconds" -}}
{{- $drain := add (int .Values.shutdown.delaySeconds) (int .Values.shutdown.graceSeconds) }}
{{- if .Values.shutdown.terminationGracePeriodSeconds }}
{{- $given := int .Values.shutdown.terminationGracePeriodSeconds }}
{{- if le $given $drain }}
{{- fail (printf "shutdown.terminationGracePeriodSeconds (%d) must be larger than shutdown.delaySeconds + shutdown.graceSeconds (%d): Kubernetes kills the pod after it, cutting running streams and the final ledger flush." $given $drain) }}
{{- end }}
{{- $given }}
{{- else }}
{{- add $drain 15 }}
{{- end }}
{{- end }}

{{/*
Refuses settings that would run but be wrong. Above all: several replicas without shared state.
Each pod would keep its own embedded H2 ledger and its own in-memory limits and budget counters.
*/}}
{{- define "frugal.validate" -}}
{{- $redis := or .Values.redis.url .Values.redis.existingSecret }}
{{- if include "frugal.clusterMode" . }}
{{- $missing := list }}
{{- if not .Values.database.url }}
{{- $missing = append $missing "database.url (PostgreSQL) is not set: each pod would keep its own embedded H2 database, so the ledger would be split across pods (and lost with them), and teams and keys created through the admin API would exist on one pod only" }}
{{- end }}
{{- if not $redis }}
{{- $missing = append $missing "redis.url (Redis) is not set: each pod would count rate limits and budgets in its own memory, so N pods would allow N times every limit and budget" }}
{{- end }}
{{- if $missing }}
{{- $why := ternary "autoscaling.enabled=true" (printf "replicaCount=%d" (int .Values.replicaCount)) .Values.autoscaling.enabled }}
{{- fail (printf "\n\nfrugal: %s runs more than one pod, and pods share state only through PostgreSQL and Redis.\n  - %s.\nSet database.url (with database.existingSecret) and redis.url (or redis.existingSecret), or run replicaCount=1 without autoscaling.\n" $why (join ".\n  - " $missing)) }}
{{- end }}
{{- end }}
{{- if and .Values.database.url (not (hasPrefix "jdbc:postgresql:" .Values.database.url)) }}
{{- fail (printf "database.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/frugal), not '%s'" .Values.database.url) }}
{{- end }}
{{- if and .Values.redis.url (not (regexMatch "^rediss?://" .Values.redis.url)) }}
{{- fail "redis.url must look like redis://host:6379 (or rediss:// for TLS)" }}
{{- end }}
{{- if and .Values.redis.url (contains "@" .Values.redis.url) }}
{{- fail "redis.url holds credentials: put the URL in a Secret and set redis.existingSecret (and redis.urlKey) instead, so it never lands in the Deployment in clear" }}
{{- end }}
{{- end }}
