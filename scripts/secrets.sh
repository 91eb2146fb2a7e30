# Sourced by entrypoint.sh when SECRETS_DIR is set (docker-compose.yml does).
# For each secret that is unset or empty, reuse the value stored in
# SECRETS_DIR or generate a random one there on first start, so a local
# stack needs no secret in the repository and keeps its sessions across
# restarts. Real deployments set these variables themselves.
mkdir -p "$SECRETS_DIR"
chmod 700 "$SECRETS_DIR"

secret() {
  name=$1
  eval "current=\${$name:-}"
  if [ -z "$current" ]; then
    file="$SECRETS_DIR/$(echo "$name" | tr 'A-Z' 'a-z')"
    if [ ! -s "$file" ]; then
      (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(${2:-48}).toString('base64url'))" > "$file")
      echo "entrypoint: generated $name in $file"
    fi
    current=$(cat "$file")
    export "$name=$current"
  fi
}

secret JWT_SECRET
secret SESSION_SECRET
secret ADMIN_PASSWORD 12
secret DEMO_PASSWORD 12
