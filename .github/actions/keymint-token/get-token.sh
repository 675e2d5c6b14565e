#!/usr/bin/env bash
# Gets a keymint access token in a GitHub Actions job and sets it as the step output
# `token`. Needs nothing on the runner but bash and curl.
#
# Inputs come from the environment, never spliced into script text, so no value can
# inject shell code: KEYMINT_ISSUER, KEYMINT_CLIENT_ID, KEYMINT_CLIENT_SECRET (empty:
# federation with the job's OIDC ID token), KEYMINT_SCOPE, KEYMINT_AUDIENCE and
# KEYMINT_ID_TOKEN_AUDIENCE (default: the issuer URL).
#
# No secret or token ever goes on a command line, where any process on the runner could
# read it: curl takes them from a config on its standard input, written by printf, a
# bash builtin that starts no process. Nothing prints a token; each is masked first.
set -euo pipefail

# Workflow-command data: %, CR and LF would cut the annotation short.
escape_data() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}

fail() {
  printf '::error title=keymint token::%s\n' "$(escape_data "$1")" >&2
  exit 1
}

# A form or query value (RFC 3986 unreserved characters stay, every other byte is %XX).
urlencode() {
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9.~_-]) out+=$c ;;
      *)
        printf -v c '%%%02X' "'$c"
        out+=$c
        ;;
    esac
  done
  printf '%s' "$out"
}

# One line of a curl config: inside double quotes, backslash and quote are escaped.
cfg() {
  local v=$2
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  printf '%s = "%s"\n' "$1" "$v"
}

# A string field of a flat JSON object (the shapes keymint and GitHub answer with),
# its escapes decoded for display; empty when absent.
json_string() {
  local re="\"$1\"[[:space:]]*:[[:space:]]*\"((\\\\.|[^\"\\\\])*)\"" s
  [[ $2 =~ $re ]] || return 0
  s=${BASH_REMATCH[1]}
  s=${s//'\"'/'"'}
  s=${s//'\/'/'/'}
  printf '%b' "$s"
}

# Runs curl with its options in `config` (on stdin, so out of argv); sets `status` and
# `body`. -q first: a ~/.curlrc may not add tracing that would print the secrets.
status='' body=''
http() {
  local config=$1 out
  shift
  if ! out=$(printf '%s' "$config" | curl -q --silent --show-error --config - \
    --connect-timeout 10 --max-time 60 --write-out '\n%{http_code}' "$@"); then
    return 1
  fi
  status=${out##*$'\n'}
  body=${out%$'\n'*}
}

JWT_RE='^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'

issuer=${KEYMINT_ISSUER:-}
while [[ $issuer == */ ]]; do issuer=${issuer%/}; done
client_id=${KEYMINT_CLIENT_ID:-}
secret=${KEYMINT_CLIENT_SECRET:-}
scope=${KEYMINT_SCOPE:-}
audience=${KEYMINT_AUDIENCE:-}
id_token_audience=${KEYMINT_ID_TOKEN_AUDIENCE:-$issuer}
# Scopes may be written one per line in the workflow: one space between each.
read -r -d '' -a scopes <<<"$scope" || true
scope=${scopes[*]:-}

[[ -n $issuer ]] || fail "the input issuer is required: keymint's URL, e.g. https://keymint.example.com"
case $issuer in
  https://* | http://127.0.0.1 | http://127.0.0.1[:/]* | http://localhost | http://localhost[:/]* | http://\[::1\]*) ;;
  *) fail "issuer must be an https:// URL (plain http only on loopback), got \"$issuer\"" ;;
esac
# user@host would send the request elsewhere than it reads (http://127.0.0.1:80@example.com).
[[ $issuer != *@* ]] || fail "issuer must be keymint's plain URL, with no user@ part"
[[ -n $client_id ]] || fail "the input client-id is required"
for value in "$issuer" "$client_id" "$secret" "$scope" "$audience" "$id_token_audience"; do
  [[ $value != *[$'\r\n']* ]] || fail "an input contains a line break; inputs are single values"
done
# Checked before any request, so a misplaced step does not spend a single-use ID token.
[[ -n ${GITHUB_OUTPUT:-} ]] || fail "GITHUB_OUTPUT is not set: run this as a step of a GitHub Actions job"

if [[ -n $secret ]]; then
  # A key's secret: client_credentials with HTTP Basic, each part form-encoded first.
  config=$(
    cfg url "$issuer/token"
    cfg user "$(urlencode "$client_id"):$(urlencode "$secret")"
    cfg data "grant_type=client_credentials"
  )
else
  # Federation: the job's OIDC ID token, by GitHub's protocol for requesting it.
  if [[ $client_id == km_* ]]; then
    fail "client-id $client_id is a key's client id: pass its secret as client-secret, or use a federation's kmf_… client id"
  fi
  if [[ -z ${ACTIONS_ID_TOKEN_REQUEST_URL:-} || -z ${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-} ]]; then
    fail "no client-secret was given, so the job's OIDC ID token is needed, but ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: add \`permissions: id-token: write\` to the job (pull requests from forks get no ID token; if you meant to pass client-secret, the secret it names is empty or missing)"
  fi
  separator='&'
  [[ $ACTIONS_ID_TOKEN_REQUEST_URL == *\?* ]] || separator='?'
  config=$(
    cfg url "$ACTIONS_ID_TOKEN_REQUEST_URL${separator}audience=$(urlencode "$id_token_audience")"
    cfg header "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"
    cfg header "Accept: application/json"
  )
  http "$config" --retry 3 || fail "cannot reach GitHub's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL)"
  id_token=$(json_string value "$body")
  if [[ $status != 200 || ! $id_token =~ $JWT_RE ]]; then
    # A 200 body is never shown: whatever it holds may be a credential.
    [[ $status != 200 ]] || fail "GitHub's ID-token endpoint answered HTTP 200 without a JWT in \"value\""
    message=$(json_string message "$body")
    fail "GitHub's ID-token endpoint answered HTTP $status without an ID token: ${message:-${body:0:300}}"
  fi
  echo "::add-mask::$id_token"
  config=$(
    cfg url "$issuer/token"
    cfg data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
    cfg data-urlencode "client_id=$client_id"
    cfg data-urlencode "subject_token=$id_token"
    cfg data-urlencode "subject_token_type=urn:ietf:params:oauth:token-type:id_token"
  )
fi
config+=$'\n'$(
  cfg header "Accept: application/json"
  [[ -z $scope ]] || cfg data-urlencode "scope=$scope"
  [[ -z $audience ]] || cfg data-urlencode "audience=$audience"
)

http "$config" || fail "cannot reach keymint at $issuer/token"
token=$(json_string access_token "$body")
if [[ $status != 200 || ! $token =~ $JWT_RE ]]; then
  [[ $status != 200 ]] || fail "keymint answered HTTP 200 without a JWT access_token"
  error=$(json_string error "$body")
  if [[ -n $error ]]; then
    fail "keymint refused the token request (HTTP $status $error): $(json_string error_description "$body")"
  fi
  fail "keymint answered HTTP $status without an access token: ${body:0:300}"
fi
echo "::add-mask::$token"

# The output file's multi-line form, with a delimiter the token cannot contain.
delimiter="keymint_token_${RANDOM}${RANDOM}${RANDOM}${RANDOM}"
printf 'token<<%s\n%s\n%s\n' "$delimiter" "$token" "$delimiter" >>"$GITHUB_OUTPUT"

granted=$(json_string scope "$body")
expires_in=''
[[ $body =~ \"expires_in\"[[:space:]]*:[[:space:]]*([0-9]+) ]] && expires_in=${BASH_REMATCH[1]}
echo "keymint: a token for $client_id (scope: ${granted:-none}; expires in ${expires_in:-?} s) is in the output token"
