# The bundled reference miner in a container, run as operators run their miner (see docker-compose.yml).
# BASE_IMAGE: any linux-x64 glibc image with node 20 on PATH; `npm run docker:up` passes a local one
# made from this host's node when the registry cannot be reached.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}

WORKDIR /app
ENV ENABLE_KONTEXT_EDIT=true \
    MINER_SERVER_HOST=0.0.0.0 \
    MINER_SERVER_PORT=8091 \
    OUTPUT_DIR=/tmp/kontext-output

# node_modules come from the host's `npm ci` (linux-x64 glibc, like the base), so the build needs no
# registry; it changes least, so it is the first layer and stays cached.
COPY node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY protocol ./protocol
COPY lib ./lib
COPY reference-miner ./reference-miner

USER 1000:1000
EXPOSE 8091
# tsx as a loader keeps one process, so SIGTERM from `docker stop` reaches the miner's own handler.
CMD ["node", "--import", "tsx", "reference-miner/main.ts"]
